import { TsplayError, type ErrorCode } from '../errors.js';
import { expandHostPattern, RangeError_ } from './ansible-address.js';
import { addChild, addGroup, addHost, emptyTree, setGroupVar, type AnsibleTree } from './ansible-tree.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const SECTIONS = ['vars', 'children', 'hosts'];

/** A parsed YAML document that is an Ansible inventory: top-level groups (usually just `all:`) with hosts/children/vars. */
export function isAnsibleYaml(doc: unknown): boolean {
  if (!isObj(doc)) return false;
  const keys = Object.keys(doc);
  if (keys.includes('all')) return true;
  // tsplay's own shape has a top-level `hosts:` record; Ansible's top level is only groups
  return (
    keys.length > 0 &&
    !keys.includes('hosts') &&
    keys.every((k) => doc[k] === null || (isObj(doc[k]) && Object.keys(doc[k] as Obj).every((s) => SECTIONS.includes(s))))
  );
}

/**
 * Ansible's YAML inventory plugin: groups with `vars`, `children` and `hosts` (a section may be one
 * bare name), host keys are patterns (`name:port`, ranges). Unlike Ansible, which warns and skips,
 * an unknown key in a group is an error: a misspelt `hosts:` would otherwise drop machines silently.
 */
export function readYamlInventory(doc: unknown, file: string, text = ''): AnsibleTree {
  const fail = (path: string, msg: string, code: ErrorCode = 'INVENTORY_INVALID', key = path.split('.').at(-1) ?? ''): never => {
    // the line of the entry the path ends with (the first line that names it)
    const at = key ? text.split('\n').findIndex((l) => l.includes(key)) + 1 : 0;
    throw new TsplayError(code, `${file}${at ? `:${at}` : ''}: ${path ? `${path}: ` : ''}${msg}`, {
      file,
      field: at ? `line ${at}` : path || undefined,
      hint: 'a group is { hosts: {name: vars}, children: {group: ...}, vars: {...} }',
    });
  };
  if (doc === null || doc === undefined || doc === '') fail('', 'parsed empty YAML file');
  if (!isObj(doc)) return fail('', 'an Ansible YAML inventory is a mapping of groups (all: ...)');
  if (doc.plugin) fail('', 'this is an inventory plugin configuration, which tsplay does not run');
  const tree = emptyTree(file);
  for (const [name, spec] of Object.entries(doc)) readGroup(tree, name, spec, name, fail);
  return tree;
}

function readGroup(
  tree: AnsibleTree,
  name: string,
  spec: unknown,
  path: string,
  fail: (path: string, msg: string, code?: ErrorCode, key?: string) => never,
): string {
  if (spec !== null && !isObj(spec)) fail(path, 'a group must be a mapping (or nothing)');
  addGroup(tree, name);
  if (spec === null) return name;
  const g = spec as Obj;
  for (const s of SECTIONS) {
    if (typeof g[s] === 'string') g[s] = { [g[s] as string]: null };
    if (g[s] !== undefined && g[s] !== null && !isObj(g[s]))
      fail(`${path}.${s}`, `requires a mapping, found ${Array.isArray(g[s]) ? 'a list' : typeof g[s]}`);
  }
  for (const [key, section] of Object.entries(g)) {
    if (!SECTIONS.includes(key)) fail(`${path}.${key}`, 'unknown key (expected hosts, children or vars)');
    if (section === null || section === undefined) continue;
    const entries = Object.entries(section as Obj);
    if (key === 'vars') for (const [k, v] of entries) setGroupVar(tree, name, k, v);
    else if (key === 'children') for (const [c, cs] of entries) addChild(tree, name, readGroup(tree, c, cs, `${path}.children.${c}`, fail));
    else
      for (const [pattern, hv] of entries) {
        if (hv !== null && !isObj(hv)) fail(`${path}.hosts.${pattern}`, 'host vars must be a mapping (or nothing)', undefined, pattern);
        let hosts: string[];
        let port: number | undefined;
        try {
          ({ hosts, port } = expandHostPattern(pattern));
        } catch (e) {
          if (e instanceof RangeError_) return fail(`${path}.hosts.${pattern}`, e.message, 'INVENTORY_RANGE_INVALID', pattern);
          throw e;
        }
        for (const h of hosts) Object.assign(addHost(tree, h, name, port).vars, hv ?? {});
      }
  }
  return name;
}

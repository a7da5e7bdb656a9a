import { TsplayError } from '../errors.js';
import { emptyTree, group, type AnsibleTree, treeToInventory } from './ansible-tree.js';
import { expandRange } from './ansible-ini.js';
import type { InventoryFile } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed YAML document that is an Ansible inventory: top-level groups (usually just `all:`) with hosts/children/vars. */
export function isAnsibleYaml(doc: unknown): boolean {
  if (!isObj(doc)) return false;
  const keys = Object.keys(doc);
  if (keys.includes('all')) return true;
  // tsplay's own shape has a top-level `hosts:` record; Ansible's top level is only groups
  return keys.length > 0 && !keys.includes('hosts') && keys.every((k) => doc[k] === null || (isObj(doc[k]) && Object.keys(doc[k] as Obj).every((s) => ['hosts', 'children', 'vars'].includes(s))));
}

/** Ansible YAML (`all: { hosts, children, vars }`, recursively) -> tsplay's inventory shape. */
export function parseAnsibleYaml(doc: unknown, file: string): InventoryFile {
  if (!isObj(doc)) throw new TsplayError('INVENTORY_INVALID', 'an Ansible YAML inventory is a mapping of groups (all: ...)', { file, hint: 'start the file with `all:`' });
  const tree = emptyTree();
  for (const [name, spec] of Object.entries(doc)) readGroup(tree, name, spec, file, name);
  return treeToInventory(tree, file);
}

function readGroup(tree: AnsibleTree, name: string, spec: unknown, file: string, path: string): void {
  const g = group(tree, name);
  if (spec === null || spec === undefined) return;
  const bad = (field: string, msg: string): never => {
    throw new TsplayError('INVENTORY_INVALID', `${path}${field ? `.${field}` : ''}: ${msg}`, { file, field: `${path}${field ? `.${field}` : ''}`, hint: 'a group is { hosts: {name: vars}, children: {group: ...}, vars: {...} }' });
  };
  if (!isObj(spec)) bad('', 'a group must be a mapping');
  for (const k of Object.keys(spec as Obj)) if (!['hosts', 'children', 'vars'].includes(k)) bad(k, 'unknown key (expected hosts, children or vars)');
  const { hosts, children, vars } = spec as Obj;
  if (vars !== undefined && vars !== null) {
    if (!isObj(vars)) bad('vars', 'must be a mapping');
    Object.assign(g.vars, vars);
  }
  if (hosts !== undefined && hosts !== null) {
    if (!isObj(hosts)) bad('hosts', 'must be a mapping of host names to their vars (or nothing)');
    for (const [pattern, hv] of Object.entries(hosts as Obj)) {
      if (hv !== null && !isObj(hv)) bad(`hosts.${pattern}`, 'host vars must be a mapping (or nothing)');
      for (const h of expandRange(pattern, () => bad(`hosts.${pattern}`, 'bad host range'))) {
        tree.hosts.set(h, { ...(tree.hosts.get(h) ?? {}), ...((hv as Obj | null) ?? {}) });
        g.hosts.add(h);
      }
    }
  }
  if (children !== undefined && children !== null) {
    if (!isObj(children)) bad('children', 'must be a mapping of group names');
    for (const [c, cs] of Object.entries(children as Obj)) {
      if (name !== 'all') g.children.add(c);
      readGroup(tree, c, cs, file, `${path}.children.${c}`);
    }
  }
}

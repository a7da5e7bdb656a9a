import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { TsplayError } from '../errors.js';
import { CONNECTION_VARS } from './ansible-connection.js';
import type { VarsDirs } from './ansible-format.js';
import { varsFromDir } from './group-vars.js';
import type { AnsibleListing, Inventory } from './schema.js';

/**
 * tsplay's own YAML is YAML 1.2 (`yes` is a string, `true` a boolean), with one guard: an unquoted
 * number with a leading zero (`0755`, `08`) would silently become decimal in YAML 1.2 and octal in
 * Ansible, so it is INVENTORY_AMBIGUOUS_NUMBER naming the file and line. Write `0o755`, `493` or `'0755'`.
 */
export function parseOwnYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter });
  const err = doc.errors[0];
  if (err)
    throw new TsplayError('INVENTORY_INVALID', `inventory is not valid YAML: ${err.message.split('\n')[0]}`, {
      file,
      cause: err,
      hint: 'fix the YAML syntax at the line shown',
    });
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || node.type !== 'PLAIN' || !/^[-+]?0[0-9_]+$/.test(String(node.source ?? ''))) return;
      const line = node.range ? lineCounter.linePos(node.range[0]).line : undefined;
      throw new TsplayError(
        'INVENTORY_AMBIGUOUS_NUMBER',
        `${file}${line ? `:${line}` : ''}: ${String(node.source)} has a leading zero: YAML 1.2 reads it as decimal, Ansible as octal`,
        {
          file,
          ...(line ? { field: `line ${line}` } : {}),
          hint: `write 0o${String(node.source).replace(/^[-+]?0+/, '') || '0'} for octal, the decimal number, or quote it ('${String(node.source)}') for a string`,
        },
      );
    },
  });
  return doc.toJS();
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * group_vars/ and host_vars/ beside a tsplay inventory (and beside the playbook, which wins): each
 * file's vars go on top of the level they name, so `vars` < group_vars/all < a group's `vars` <
 * group_vars/<group> (groups in the order listed) < a host's `vars` < host_vars/<host> < `-e`.
 * Connection settings are fields in tsplay's shape, so an ansible_* connection var in these files
 * is an error rather than a var that silently does nothing.
 */
export function withVarsDirs(raw: unknown, file: string, dirs: VarsDirs): unknown {
  if (!isObj(raw) || !isObj(raw.hosts)) return raw;
  const bases = [dirs.inventoryDir, ...(dirs.playbookDir ? [dirs.playbookDir] : [])];
  const read = (kind: 'group_vars' | 'host_vars', name: string) => {
    const vars: Obj = {};
    for (const b of bases) Object.assign(vars, varsFromDir(b, kind, [name]));
    const conn = Object.keys(vars).find((k) => (CONNECTION_VARS as readonly string[]).includes(k));
    if (conn)
      throw new TsplayError(
        'INVENTORY_INVALID',
        `${kind}/${name} sets ${conn}, but ${file} is a tsplay inventory, where connection settings are fields`,
        {
          file,
          field: `${kind}/${name}.${conn}`,
          hint: 'set address/user/port/privateKeyPath/become/connection under defaults: or the host in the inventory',
        },
      );
    return vars;
  };
  const merge = (base: unknown, extra: Obj): Obj | undefined =>
    Object.keys(extra).length ? { ...(isObj(base) ? base : {}), ...extra } : (base as Obj | undefined);
  const out: Obj = { ...raw, hosts: { ...raw.hosts } };
  const allVars = merge(raw.vars, read('group_vars', 'all'));
  if (allVars) out.vars = allVars;
  if (isObj(raw.groups)) {
    const groups: Obj = {};
    for (const [g, spec] of Object.entries(raw.groups)) {
      const vars = isObj(spec) ? merge(spec.vars, read('group_vars', g)) : undefined;
      groups[g] = isObj(spec) && vars ? { ...spec, vars } : spec;
    }
    out.groups = groups;
  }
  const hosts = out.hosts as Obj;
  for (const [h, spec] of Object.entries(hosts)) {
    const vars = merge(isObj(spec) ? spec.vars : undefined, read('host_vars', h));
    if (vars) hosts[h] = { ...(isObj(spec) ? spec : {}), vars };
  }
  return out;
}

/**
 * `--format ansible` for a tsplay inventory: the groups as listed (`ungrouped` holds hosts of no
 * group) and each host's vars with its connection fields written back as ansible_* vars.
 */
export function ownListing(
  inv: Inventory,
  groupSpecs: Record<string, { hosts?: string[]; children?: string[] | undefined }>,
): AnsibleListing {
  const out: Record<string, { hosts?: string[]; children?: string[] }> = {};
  const isChild = new Set(Object.values(groupSpecs).flatMap((g) => g.children ?? []));
  const grouped = new Set(Object.entries(inv.groups).flatMap(([g, hs]) => (g === 'all' ? [] : hs)));
  const ungrouped = inv.hosts.map((h) => h.name).filter((h) => !grouped.has(h));
  out.all = { children: ['ungrouped', ...Object.keys(groupSpecs).filter((g) => !isChild.has(g))] };
  if (ungrouped.length) out.ungrouped = { hosts: ungrouped };
  for (const [g, spec] of Object.entries(groupSpecs)) {
    const entry = {
      ...(spec.hosts?.length ? { hosts: [...spec.hosts] } : {}),
      ...(spec.children?.length ? { children: [...spec.children] } : {}),
    };
    if (entry.hosts || entry.children) out[g] = entry;
  }
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const h of inv.hosts) {
    const v: Record<string, unknown> = { ...h.vars };
    if (h.address !== h.name) v.ansible_host = h.address;
    if (h.port !== undefined) v.ansible_port = h.port;
    if (h.user !== undefined) v.ansible_user = h.user;
    if (h.privateKeyPath !== undefined) v.ansible_ssh_private_key_file = h.privateKeyPath;
    if (h.become !== undefined) v.ansible_become = h.become !== false;
    if (typeof h.become === 'string') v.ansible_become_user = h.become;
    if (h.connection === 'local') v.ansible_connection = 'local';
    if (Object.keys(v).length) hostvars[h.name] = v;
  }
  return { ...out, _meta: { hostvars } } as AnsibleListing;
}

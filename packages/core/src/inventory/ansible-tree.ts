import { dirname, isAbsolute, resolve } from 'node:path';
import { TsplayError } from '../errors.js';
import type { InventoryFile } from './schema.js';

/** An Ansible inventory as read from INI or YAML, before it becomes tsplay's inventory shape. */
export interface AnsibleGroup {
  hosts: Set<string>;
  children: Set<string>;
  vars: Record<string, unknown>;
}

export interface AnsibleTree {
  /** Host name -> its own vars (host line / host entry), in order of first appearance. */
  hosts: Map<string, Record<string, unknown>>;
  /** Group name -> members; `all` holds the inventory-wide vars. */
  groups: Map<string, AnsibleGroup>;
}

export function emptyTree(): AnsibleTree {
  return { hosts: new Map(), groups: new Map([['all', { hosts: new Set(), children: new Set(), vars: {} }]]) };
}

export function group(tree: AnsibleTree, name: string): AnsibleGroup {
  let g = tree.groups.get(name);
  if (!g) tree.groups.set(name, (g = { hosts: new Set(), children: new Set(), vars: {} }));
  return g;
}

export function addHost(tree: AnsibleTree, groupName: string, host: string, vars: Record<string, unknown>): void {
  tree.hosts.set(host, { ...(tree.hosts.get(host) ?? {}), ...vars });
  group(tree, groupName).hosts.add(host);
}

const truthy = (v: unknown) => v === true || (typeof v === 'string' && /^(true|yes|on|1)$/i.test(v)) || v === 1;

/** ansible_* connection vars -> tsplay connection fields (the rest stay vars). */
const CONNECTION: Record<string, (v: unknown, out: Record<string, unknown>) => void> = {
  ansible_host: (v, o) => (o.address = String(v)),
  ansible_ssh_host: (v, o) => (o.address = String(v)),
  ansible_user: (v, o) => (o.user = String(v)),
  ansible_ssh_user: (v, o) => (o.user = String(v)),
  ansible_port: (v, o) => (o.port = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  ansible_ssh_port: (v, o) => (o.port = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  ansible_ssh_private_key_file: (v, o) => (o.privateKeyPath = String(v)),
  ansible_private_key_file: (v, o) => (o.privateKeyPath = String(v)),
  ansible_become: (v, o) => (o.become = truthy(v) ? (typeof o.becomeUser === 'string' ? o.becomeUser : true) : false),
  ansible_become_user: (v, o) => {
    o.becomeUser = String(v);
    if (o.become === true) o.become = String(v);
  },
  ansible_connection: (v, o) => (o.connection = v === 'local' ? 'local' : v === 'ssh' || v === 'smart' || v === 'paramiko' ? 'ssh' : `unsupported:${String(v)}`),
};

function split(vars: Record<string, unknown>): { conn: [string, unknown][]; rest: Record<string, unknown> } {
  const conn: [string, unknown][] = [];
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) (k in CONNECTION ? conn.push([k, v]) : (rest[k] = v));
  return { conn, rest };
}

/** Depth of each group below `all` (longest parent chain), for Ansible's precedence: parents before children. */
function depths(tree: AnsibleTree, file: string): Map<string, number> {
  const parents = new Map<string, string[]>();
  for (const [g, spec] of tree.groups) for (const c of spec.children) parents.set(c, [...(parents.get(c) ?? []), g]);
  const memo = new Map<string, number>();
  const depth = (g: string, seen: string[]): number => {
    if (memo.has(g)) return memo.get(g) as number;
    if (seen.includes(g)) throw new TsplayError('INVENTORY_INVALID', `group ${g} is its own child (${[...seen, g].join(' > ')})`, { file, field: `${g}.children`, hint: 'remove one of the children entries' });
    const d = g === 'all' ? 0 : 1 + Math.max(0, ...(parents.get(g) ?? []).filter((p) => p !== 'all').map((p) => depth(p, [...seen, g])));
    memo.set(g, d);
    return d;
  };
  for (const g of tree.groups.keys()) depth(g, []);
  return memo;
}

/** All hosts of a group, through its children. */
function members(tree: AnsibleTree, g: string, seen = new Set<string>()): Set<string> {
  const spec = tree.groups.get(g);
  if (!spec || seen.has(g)) return new Set();
  seen.add(g);
  const out = new Set(spec.hosts);
  for (const c of spec.children) for (const h of members(tree, c, seen)) out.add(h);
  return out;
}

/** The tree in the shape `inventoryFileSchema` accepts: connection vars become host fields (group ones pushed down to the hosts). */
export function treeToInventory(tree: AnsibleTree, file: string): InventoryFile {
  for (const [g, spec] of tree.groups)
    for (const c of spec.children) if (!tree.groups.has(c)) throw new TsplayError('INVENTORY_INVALID', `group ${g} has unknown child group ${c}`, { file, field: `${g}.children`, hint: `define [${c}], or remove it from [${g}:children]` });
  const d = depths(tree, file);
  const order = [...tree.groups.keys()].filter((g) => g !== 'all').sort((a, b) => (d.get(a) ?? 0) - (d.get(b) ?? 0));
  const groupMembers = new Map(order.map((g) => [g, members(tree, g)]));
  const hosts: Record<string, Record<string, unknown>> = {};
  for (const [name, own] of tree.hosts) {
    const layers = [tree.groups.get('all')?.vars ?? {}, ...order.filter((g) => groupMembers.get(g)?.has(name)).map((g) => tree.groups.get(g)?.vars ?? {}), own];
    const fields: Record<string, unknown> = {};
    for (const layer of layers) for (const [k, v] of split(layer).conn) CONNECTION[k]?.(v, fields);
    delete fields.becomeUser;
    // relative key paths are relative to the inventory file (resolveInventory only knows .yaml/.json/.ts bases)
    if (typeof fields.privateKeyPath === 'string' && !isAbsolute(fields.privateKeyPath) && !fields.privateKeyPath.startsWith('~'))
      fields.privateKeyPath = resolve(dirname(file), fields.privateKeyPath);
    if (typeof fields.connection === 'string' && fields.connection.startsWith('unsupported:'))
      throw new TsplayError('INVENTORY_INVALID', `host ${name}: ansible_connection=${fields.connection.slice(12)} is not supported`, { file, field: `${name}.ansible_connection`, hint: 'tsplay connects with ssh or local' });
    const rest = split(own).rest;
    hosts[name] = { ...fields, ...(Object.keys(rest).length ? { vars: rest } : {}) };
  }
  const groups: NonNullable<InventoryFile['groups']> = {};
  for (const g of order) {
    const spec = tree.groups.get(g) as AnsibleGroup;
    const vars = split(spec.vars).rest;
    groups[g] = { hosts: [...(groupMembers.get(g) ?? [])], ...(spec.children.size ? { children: [...spec.children] } : {}), ...(Object.keys(vars).length ? { vars } : {}) };
  }
  const allVars = split(tree.groups.get('all')?.vars ?? {}).rest;
  return { ...(Object.keys(allVars).length ? { vars: allVars } : {}), hosts, groups } as InventoryFile;
}

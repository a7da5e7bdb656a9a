import { connectionFields, plainVars } from './ansible-connection.js';
import { type AnsibleTree, hostGroups, reconcile, sortGroups } from './ansible-tree.js';
import { varsFromDir } from './group-vars.js';
import type { AnsibleListing, InventoryFile } from './schema.js';

/** Where group_vars/ and host_vars/ are looked for: beside the inventory, then beside the playbook (which wins). */
export interface VarsDirs {
  inventoryDir: string;
  playbookDir?: string | undefined;
}

/**
 * A host's vars in Ansible's order (`VariableManager.get_vars` with the default
 * `VARIABLE_PRECEDENCE`): `all`'s inventory vars < the inventory vars of its other groups (sorted
 * by depth, `ansible_group_priority`, name) < group_vars/all (inventory, then playbook) < the
 * group_vars files of its other groups (same order; inventory, then playbook) < the host's own
 * inventory vars < host_vars (inventory, then playbook). So any group_vars file beats every
 * inventory group var. Each step replaces keys, as Ansible's default `hash_behaviour=replace` does.
 */
export function ansibleHostVars(
  tree: AnsibleTree,
  host: string,
  dirs: VarsDirs,
  memo = new Map<string, Record<string, unknown>>(),
): Record<string, unknown> {
  const bases = [dirs.inventoryDir, ...(dirs.playbookDir ? [dirs.playbookDir] : [])];
  const groups = sortGroups(
    tree,
    [...hostGroups(tree, host)].filter((g) => g !== 'all'),
  );
  const out: Record<string, unknown> = { ...tree.groups.get('all')?.vars };
  for (const g of groups) Object.assign(out, tree.groups.get(g)?.vars);
  for (const b of bases) Object.assign(out, varsFromDir(b, 'group_vars', ['all'], memo));
  for (const b of bases) Object.assign(out, varsFromDir(b, 'group_vars', groups, memo));
  Object.assign(out, tree.hosts.get(host)?.vars);
  for (const b of bases) Object.assign(out, varsFromDir(b, 'host_vars', [host], memo));
  return out;
}

/** `json_inventory`: from `all` down, each group once; empty groups are named as children but not listed. */
export function listing(tree: AnsibleTree, hostvars: Map<string, Record<string, unknown>>): AnsibleListing {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string) => {
    const g = tree.groups.get(name);
    if (!g) return;
    const entry: { hosts?: string[]; children?: string[] } = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (g.children.length) entry.children = [...g.children];
    out[name] = entry;
    for (const c of g.children) {
      if (seen.has(c)) continue;
      format(c);
      seen.add(c);
    }
    if (!entry.hosts && !entry.children) delete out[name];
  };
  format('all');
  const meta: Record<string, Record<string, unknown>> = {};
  for (const [h, vars] of hostvars) if (Object.keys(vars).length) meta[h] = vars;
  return { ...out, _meta: { hostvars: meta } } as AnsibleListing;
}

/**
 * Resolve an Ansible tree: reconcile it, merge each host's vars (group_vars/host_vars included),
 * and give tsplay's inventory shape (connection vars become fields, the other vars stay vars)
 * together with the `ansible-inventory --list` view of the same data.
 */
export function resolveAnsibleTree(tree: AnsibleTree, dirs: VarsDirs): { file: InventoryFile; listing: AnsibleListing } {
  reconcile(tree);
  const hostvars = new Map<string, Record<string, unknown>>();
  const hosts: InventoryFile['hosts'] = {};
  const memo = new Map<string, Record<string, unknown>>();
  for (const name of tree.hosts.keys()) {
    const vars = ansibleHostVars(tree, name, dirs, memo);
    hostvars.set(name, vars);
    const rest = plainVars(vars);
    hosts[name] = { ...connectionFields(vars, name, tree.file), ...(Object.keys(rest).length ? { vars: rest } : {}) } as NonNullable<
      InventoryFile['hosts'][string]
    >;
  }
  const groups: NonNullable<InventoryFile['groups']> = {};
  for (const g of tree.groups.values()) {
    if (g.name === 'all' || (g.name === 'ungrouped' && g.hosts.length === 0)) continue;
    groups[g.name] = { hosts: [...g.hosts], ...(g.children.length ? { children: [...g.children] } : {}) };
  }
  return { file: { hosts, groups }, listing: listing(tree, hostvars) };
}

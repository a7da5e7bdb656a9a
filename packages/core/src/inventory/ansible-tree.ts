import { TsplayError } from '../errors.js';

/**
 * An Ansible inventory as Ansible's `InventoryData` holds it: groups and hosts in the order they were
 * first seen, direct members and child groups in the order they were added, inventory vars, and
 * `ansible_group_priority`. `reconcile` then does what Ansible does after parsing: parentless groups
 * become children of `all`, and `ungrouped` holds exactly the hosts that are in no other group.
 */
export interface AnsibleGroup {
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  vars: Record<string, unknown>;
  priority: number;
}

export interface AnsibleHost {
  name: string;
  vars: Record<string, unknown>;
  /** Groups the host was added to directly. */
  groups: string[];
}

export interface AnsibleTree {
  file: string;
  hosts: Map<string, AnsibleHost>;
  groups: Map<string, AnsibleGroup>;
}

export function emptyTree(file: string): AnsibleTree {
  const tree: AnsibleTree = { file, hosts: new Map(), groups: new Map() };
  addGroup(tree, 'all');
  addGroup(tree, 'ungrouped');
  addChild(tree, 'all', 'ungrouped');
  return tree;
}

export function addGroup(tree: AnsibleTree, name: string): AnsibleGroup {
  let g = tree.groups.get(name);
  if (!g) tree.groups.set(name, (g = { name, hosts: [], children: [], parents: [], vars: {}, priority: 1 }));
  return g;
}

/** `add_host`: a port given with the name sets `ansible_port` only when the host is new (as in Ansible). */
export function addHost(tree: AnsibleTree, name: string, groupName: string, port?: number): AnsibleHost {
  let h = tree.hosts.get(name);
  if (!h) {
    tree.hosts.set(name, (h = { name, vars: {}, groups: [] }));
    if (port !== undefined) h.vars.ansible_port = port;
  }
  const g = addGroup(tree, groupName);
  if (!g.hosts.includes(name)) g.hosts.push(name);
  if (!h.groups.includes(groupName)) h.groups.push(groupName);
  return h;
}

function ancestors(tree: AnsibleTree, g: string, out = new Set<string>()): Set<string> {
  for (const p of tree.groups.get(g)?.parents ?? []) {
    if (out.has(p)) continue;
    out.add(p);
    ancestors(tree, p, out);
  }
  return out;
}

/** `add_child`: a group that would become its own ancestor is INVENTORY_CYCLE. */
export function addChild(tree: AnsibleTree, parent: string, child: string, line?: number): void {
  const p = addGroup(tree, parent);
  const c = addGroup(tree, child);
  if (p.children.includes(child)) return;
  if (parent === child || ancestors(tree, parent).has(child))
    throw new TsplayError(
      'INVENTORY_CYCLE',
      `${tree.file}${line ? `:${line}` : ''}: adding group ${child} as child to ${parent} creates a recursive dependency loop`,
      {
        file: tree.file,
        field: line ? `line ${line}` : `${parent}.children`,
        hint: `a group cannot contain itself; remove ${child} from the children of ${parent}`,
      },
    );
  p.children.push(child);
  if (!c.parents.includes(parent)) c.parents.push(parent);
}

/** `Group.set_variable`: `ansible_group_priority` is the group's priority, not a var. */
export function setGroupVar(tree: AnsibleTree, group: string, key: string, value: unknown, line?: number): void {
  const g = addGroup(tree, group);
  if (key !== 'ansible_group_priority') {
    g.vars[key] = value;
    return;
  }
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n))
    throw new TsplayError(
      'INVENTORY_INVALID',
      `${tree.file}${line ? `:${line}` : ''}: ansible_group_priority of ${group} must be an integer, got ${JSON.stringify(value)}`,
      {
        file: tree.file,
        field: line ? `line ${line}` : `${group}.vars.ansible_group_priority`,
        hint: 'e.g. ansible_group_priority=10 (higher wins among groups of the same depth)',
      },
    );
  g.priority = n;
}

/** All groups of a host: the direct ones and their ancestors (`all` included once the tree is reconciled). */
export function hostGroups(tree: AnsibleTree, host: string): Set<string> {
  const out = new Set<string>();
  for (const g of tree.hosts.get(host)?.groups ?? []) {
    out.add(g);
    for (const a of ancestors(tree, g)) out.add(a);
  }
  return out;
}

/** `InventoryData.reconcile_inventory`. */
export function reconcile(tree: AnsibleTree): void {
  for (const g of tree.groups.values()) if (g.name !== 'all' && g.parents.length === 0) addChild(tree, 'all', g.name);
  const ungrouped = addGroup(tree, 'ungrouped');
  for (const h of tree.hosts.values()) {
    const mine = hostGroups(tree, h.name);
    if (mine.has('ungrouped')) {
      if ([...mine].some((g) => g !== 'all' && g !== 'ungrouped')) {
        ungrouped.hosts = ungrouped.hosts.filter((x) => x !== h.name);
        h.groups = h.groups.filter((x) => x !== 'ungrouped');
      }
    } else if (mine.size === 0 || (mine.size === 1 && mine.has('all'))) addHost(tree, h.name, 'ungrouped');
  }
}

/** Depth below `all` (longest chain of parents), as Ansible keeps it. */
export function groupDepth(tree: AnsibleTree, g: string, memo = new Map<string, number>()): number {
  if (g === 'all') return 0;
  const known = memo.get(g);
  if (known !== undefined) return known;
  const d = 1 + Math.max(0, ...(tree.groups.get(g)?.parents ?? []).map((p) => groupDepth(tree, p, memo)));
  memo.set(g, d);
  return d;
}

/** `sort_groups`: by depth, then priority, then name (Python's code-point order). */
export function sortGroups(tree: AnsibleTree, names: Iterable<string>): string[] {
  const memo = new Map<string, number>();
  const key = (g: string) => [groupDepth(tree, g, memo), tree.groups.get(g)?.priority ?? 1] as const;
  return [...names].sort((a, b) => {
    const [da, pa] = key(a);
    const [db, pb] = key(b);
    return da - db || pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  });
}

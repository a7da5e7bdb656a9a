import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import type { HostInfo, Task, TaskContext, TaskOutcome } from '../playbook.js';

export function hostInfo(h: ResolvedHost): HostInfo {
  return { name: h.name, address: h.address, groups: h.groups, vars: h.vars };
}

/** Per-host registered results of this run, by task id. */
export type HostResults = Map<string, TaskOutcome>;

export function makeContext(
  inv: Inventory,
  host: ResolvedHost,
  vars: unknown,
  results: HostResults,
  check: boolean,
  notified: boolean,
): TaskContext<any> {
  return {
    host: hostInfo(host),
    vars,
    hosts: (group = 'all') => (inv.groups[group] ?? []).map((n) => hostInfo(inv.hosts.find((h) => h.name === n) as ResolvedHost)),
    result: <R>(t: Task) => results.get(t.id) as TaskOutcome<R> | undefined,
    changed: (...tasks: Task[]) => tasks.some((t) => results.get(t.id)?.changed === true),
    notified,
    check,
  };
}

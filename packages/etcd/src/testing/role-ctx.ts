/** Test helpers: a TaskContext of the etcd role on one host of an inventory, and a task's args as the runner checks them. */
import type { HostInfo, Task, TaskContext, TaskOutcome } from '@tsplay/core';
import { EtcdVars } from '../vars.js';

/** KTHW's three controllers, each with its internal IP in the inventory. */
export const KTHW: HostInfo[] = [0, 1, 2].map((i) => ({
  name: `controller-${i}`,
  address: `203.0.113.1${i}`,
  groups: ['controllers'],
  vars: { internalIp: `10.240.0.1${i}` },
}));

export type Results = Map<Task, TaskOutcome>;
export interface CtxOptions {
  vars?: Record<string, unknown>;
  hosts?: HostInfo[];
  results?: Results;
  others?: Map<string, Results>;
  check?: boolean;
  notified?: boolean;
}

export function roleCtx(host = 1, o: CtxOptions = {}): TaskContext<EtcdVars> {
  const hosts = o.hosts ?? KTHW;
  const h = hosts[host] as HostInfo;
  const results = o.results ?? new Map<Task, TaskOutcome>();
  return {
    host: h,
    vars: EtcdVars.parse({ ...h.vars, ...o.vars }),
    hosts: (g = 'all') => hosts.filter((x) => g === 'all' || x.groups.includes(g)),
    result: <R>(t: Task) => results.get(t) as TaskOutcome<R> | undefined,
    changed: (...ts: Task[]) => ts.some((t) => results.get(t)?.changed === true),
    notified: o.notified ?? false,
    check: o.check ?? false,
    item: undefined,
    resultOf: <R>(name: string, t: Task) => (name === h.name ? results : o.others?.get(name))?.get(t) as TaskOutcome<R> | undefined,
    play: { name: 'etcd', batch: 1, hosts: hosts.map((x) => x.name) },
  };
}

/** A task's args on a host, validated by its module's schema like the runner does. */
export function argsOf(t: Task, c: TaskContext<EtcdVars>): Record<string, unknown> {
  const raw = typeof t.args === 'function' ? t.args(c) : t.args;
  const r = t.module.args.safeParse(raw);
  if (!r.success) throw new Error(`${t.name}: ${r.error.message}`);
  return raw as Record<string, unknown>;
}

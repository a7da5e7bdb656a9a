import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import type { HostInfo, Task, TaskContext, TaskOutcome } from '../playbook.js';

export function hostInfo(h: ResolvedHost): HostInfo {
  return { name: h.name, address: h.address, groups: h.groups, vars: h.vars };
}

/** Per-host registered results of this run, by task id. */
export type HostResults = Map<string, TaskOutcome>;

/** What an args/when/loop function looked at while it ran (decides static vs dynamic, and unknown). */
export interface ContextTrace {
  /** It read earlier results, notifications or another host's result: evaluate it at run time. */
  dynamic: boolean;
  /** It read a result that check mode could not predict: the task is unknown too. */
  unknownFrom?: string | undefined;
}

/** Where a context finds registered results: by host name and task (undefined at plan time). */
export interface ResultLookup {
  (host: string, t: Task): TaskOutcome | undefined;
}

export interface ContextInput {
  inventory: Inventory;
  host: ResolvedHost;
  vars: unknown;
  check: boolean;
  notified: boolean;
  item?: unknown;
  play: { name: string; batch: number; hosts: readonly string[] };
  /** Omitted at plan time: every read of results then marks the trace dynamic. */
  lookup?: ResultLookup | undefined;
  trace: ContextTrace;
}

/** The context a task's functions see; every read of run-time state is recorded in `input.trace`. */
export function makeContext(input: ContextInput): TaskContext<any> {
  const { inventory: inv, host, trace, lookup } = input;
  const read = (h: string, t: Task): TaskOutcome | undefined => {
    if (!lookup) {
      trace.dynamic = true;
      return undefined;
    }
    const o = lookup(h, t);
    if (o?.unknown && trace.unknownFrom === undefined) trace.unknownFrom = t.name;
    return o;
  };
  return {
    host: hostInfo(host),
    vars: input.vars,
    hosts: (group = 'all') => (inv.groups[group] ?? []).map((n) => hostInfo(inv.hosts.find((h) => h.name === n) as ResolvedHost)),
    result: <R>(t: Task) => read(host.name, t) as TaskOutcome<R> | undefined,
    changed: (...tasks: Task[]) => tasks.map((t) => read(host.name, t)).some((o) => o?.changed === true),
    get notified() {
      if (!lookup) trace.dynamic = true;
      return input.notified;
    },
    check: input.check,
    item: input.item,
    resultOf: <R>(h: string, t: Task) => {
      trace.dynamic = trace.dynamic || !lookup;
      return read(h, t) as TaskOutcome<R> | undefined;
    },
    play: input.play,
  };
}

import type { RunEnv } from './env.js';
import type { ContextTrace } from './context.js';
import type { HostRun } from './host-run.js';
import type { NotYet } from './lanes.js';
import type { PlannedPlay, PlannedTask, ResolvedTask } from './plan-types.js';
import { resolveTask } from './resolve.js';

export interface BatchInfo {
  /** 1-based batch number, and how many batches the play has. */
  number: number;
  count: number;
  hosts: readonly string[];
}

/**
 * The one run-time resolution of a task on a host (the prefetch's guess and the task itself): the
 * plan's when it was static, else its functions now, with the results registered so far. Raw args
 * equal to the prefetch's guess are not parsed again.
 */
export function resolveAtRun(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  batch: BatchInfo,
  notified: boolean,
  trace?: ContextTrace,
  wait?: { on?: NotYet },
): ResolvedTask {
  const planned = env.plan.perHost[run.name]?.[pt.id];
  if (planned && !planned.dynamic) return planned;
  const { trace: _trace, ...rt } = resolveTask(pt, {
    inventory: env.plan.inventory,
    host: run.host,
    vars: run.vars,
    check: env.plan.check,
    notified,
    play: { name: play.name, batch: batch.number, hosts: batch.hosts },
    baseDir: env.plan.baseDir,
    lookup: (h, t) => {
      const lanes = h === run.name ? undefined : env.lanes;
      const f = lanes?.final(h, t, pt.index) ?? 'final';
      if (f === 'not yet run') return undefined;
      if (f !== 'final') {
        if (wait) wait.on ??= f;
        throw new Error(`${h} has not run ${t.name} yet`);
      }
      return env.runs.get(h)?.byTask.get(t);
    },
    reuse: run.guesses.get(pt.id),
    trace,
  });
  return rt as ResolvedTask; // with a lookup, a task is never left dynamic
}

/**
 * `resolveAtRun` for the task's own turn: under the free strategy, a function that reads another host's
 * result of an earlier task waits until that host is past that task, then the task is resolved again
 * (its functions are pure). The trace is the last resolution's.
 */
export async function resolveInTurn(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  batch: BatchInfo,
  notified: boolean,
  trace: ContextTrace,
): Promise<ResolvedTask> {
  for (;;) {
    const wait: { on?: NotYet } = {};
    let rt: ResolvedTask | undefined;
    try {
      rt = resolveAtRun(env, play, pt, run, batch, notified, trace, wait);
    } catch (e) {
      if (!wait.on || !env.lanes) throw e;
    }
    if (!wait.on || !env.lanes) return rt as ResolvedTask;
    await env.lanes.wait(wait.on);
    trace.dynamic = false;
    trace.unknownFrom = undefined;
  }
}

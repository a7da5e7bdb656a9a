import type { FactQuery } from '../facts.js';
import { gatherFacts } from '../gather.js';
import type { RunEnv } from './env.js';
import type { HostRun } from './host-run.js';
import type { HostTaskPlan, PlannedPlay, PlannedTask } from './plan-types.js';
import { evaluateAtRun, type BatchInfo } from './task-run.js';

/**
 * A dynamic task's invocations as they would be if the play's earlier tasks change nothing (the
 * idempotent case): its functions see the results registered so far. Only used to choose facts to
 * probe early, which are read-only: when the guess is wrong, the task's real args name other facts,
 * and those are probed when it runs. Undefined when the functions cannot be evaluated yet.
 */
function speculate(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, batch: BatchInfo): HostTaskPlan | undefined {
  try {
    const { trace: _trace, ...d } = evaluateAtRun(env, play, pt, run, batch, env.store.has(run.name, pt.id));
    return d.dynamic ? undefined : d;
  } catch {
    return undefined;
  }
}

/** The facts of a host's planned tasks, by fact key, for the batched prefetch (one become level). */
export function prefetchQueries(env: RunEnv, play: PlannedPlay, run: HostRun, become: boolean | string, batch: BatchInfo): Record<string, FactQuery> {
  const facts: Record<string, FactQuery> = {};
  const seen = new Set<string>();
  const base = { host: run.name, check: env.plan.check, become, baseDir: env.opts.baseDir ?? process.cwd() };
  for (const pt of play.tasks) {
    const planned = env.plan.perHost[run.name]?.[pt.id];
    if (!pt.selected || !planned) continue;
    const decided = planned.dynamic ? speculate(env, play, pt, run, batch) : planned;
    if (!decided || decided.dynamic || decided.delegateTo !== undefined) continue;
    if ((pt.become ?? run.host.become ?? false) !== become) continue;
    const pctx = { ...base, timeoutMs: pt.task.timeoutMs };
    decided.invocations.forEach((inv, i) => {
      if (!inv.when) return;
      try {
        for (const [k, f] of Object.entries(pt.task.module.facts(inv.args, pctx)) as [string, FactQuery][]) {
          if (seen.has(f.key)) continue;
          seen.add(f.key);
          facts[`${pt.id}/${i}/${k}`] = f;
        }
      } catch {
        /* a module that cannot list its facts yet reports it when its task runs */
      }
    });
  }
  return facts;
}

/**
 * The fast path: before the first task of a batch, the facts of every planned task are probed in one
 * batched exec per host, into the host's fact cache (a dynamic task's as `speculate` guesses them);
 * each task then plans from the cache (a task that changes the host clears it). Tasks and prefetch
 * consume the same resolved invocations, so no static args function runs twice.
 */
export async function prefetchFacts(env: RunEnv, play: PlannedPlay, runs: readonly HostRun[], batch: BatchInfo): Promise<void> {
  await Promise.all(
    runs.map(async (run) => {
      const conn = await run.conn;
      if (!conn) return;
      const become = play.become ?? run.host.become ?? false;
      const facts = prefetchQueries(env, play, run, become, batch);
      if (Object.keys(facts).length === 0) return;
      try {
        await gatherFacts(conn, facts, { become, cache: run.cache, sigCache: run.sigCache });
      } catch {
        /* a failing prefetch is retried per task, where its error is reported with the task */
      }
    }),
  );
}

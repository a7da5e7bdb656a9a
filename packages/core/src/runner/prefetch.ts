import type { FactQuery } from '../facts.js';
import { gatherFacts } from '../gather.js';
import type { RunEnv } from './env.js';
import type { HostRun } from './host-run.js';
import type { PlannedPlay } from './plan-types.js';

/** The facts of a host's planned tasks, by fact key, for the batched prefetch (one become level). */
export function prefetchQueries(env: RunEnv, play: PlannedPlay, run: HostRun, become: boolean | string): Record<string, FactQuery> {
  const facts: Record<string, FactQuery> = {};
  const seen = new Set<string>();
  const pctx = { host: run.name, check: env.plan.check, become, baseDir: env.opts.baseDir ?? process.cwd() };
  for (const pt of play.tasks) {
    const decided = env.plan.perHost[run.name]?.[pt.id];
    if (!pt.selected || !decided || decided.dynamic || decided.delegateTo !== undefined) continue;
    if ((pt.become ?? run.host.become ?? false) !== become) continue;
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
 * The fast path: before the first task of a batch, the facts of every planned task whose args are
 * already known are probed in one batched exec per host, into the host's fact cache; each task then
 * plans from the cache (a task that changes the host clears it). Tasks and prefetch consume the same
 * resolved invocations, so no args function runs twice.
 */
export async function prefetchFacts(env: RunEnv, play: PlannedPlay, runs: readonly HostRun[]): Promise<void> {
  await Promise.all(
    runs.map(async (run) => {
      const conn = await run.conn;
      if (!conn) return;
      const become = play.become ?? run.host.become ?? false;
      const facts = prefetchQueries(env, play, run, become);
      if (Object.keys(facts).length === 0) return;
      try {
        await gatherFacts(conn, facts, { become, cache: run.cache, sigCache: run.sigCache });
      } catch {
        /* a failing prefetch is retried per task, where its error is reported with the task */
      }
    }),
  );
}

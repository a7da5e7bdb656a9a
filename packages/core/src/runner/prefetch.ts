import { namesWhatItReads, type FactQuery } from '../facts.js';
import { gatherFacts } from '../gather.js';
import type { RunEnv } from './env.js';
import type { HostRun } from './host-run.js';
import type { PlannedPlay, PlannedTask, ResolvedTask } from './plan-types.js';
import { withBecomeMethod } from '../become.js';
import { becomeLevel } from './resolve.js';
import { resolveAtRun, type BatchInfo } from './resolve-at-run.js';

/**
 * A task as the prefetch sees it: the plan's resolution, or a dynamic task resolved now as it would be
 * if the play's earlier tasks change nothing (the idempotent case). The guess is kept on the host: when
 * the task runs with equal args it is not parsed again; when the guess is wrong, its real args name
 * other facts, which are probed when it runs. Undefined when the functions cannot be evaluated yet.
 */
function guess(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, batch: BatchInfo): ResolvedTask | undefined {
  const planned = env.plan.perHost[run.name]?.[pt.id];
  if (!planned) return undefined;
  if (!planned.dynamic) return planned;
  run.guesses.delete(pt.id);
  try {
    const rt = resolveAtRun(env, play, pt, run, batch, env.store.has(run.name, pt.id));
    run.guesses.set(pt.id, rt);
    return rt;
  } catch {
    return undefined;
  }
}

/** What the tasks from `from` on read: their facts by fact key, and the keys of those read by the quiet prefix. */
export interface Ahead {
  facts: Record<string, FactQuery>;
  /**
   * The fact keys of the quiet prefix: the tasks from `from` on before the first that may change the host, or
   * whose facts are probed again by the runner (see `quietTask`); none when the task at `from` may change it.
   */
  quiet: Set<string>;
}

/** One walk over the host's tasks from `from` on: each selected one is resolved once (`guess`). */
export function tasksAhead(env: RunEnv, play: PlannedPlay, run: HostRun, become: boolean | string, batch: BatchInfo, from: number): Ahead {
  const facts: Record<string, FactQuery> = {};
  const seen = new Set<string>();
  const quiet = new Set<string>();
  let quietSoFar = true;
  for (const pt of play.tasks.slice(from)) {
    if (!pt.selected) continue;
    const rt = guess(env, play, pt, run, batch);
    quietSoFar = quietSoFar && quietTask(pt, rt);
    if (!rt || rt.delegateTo !== undefined || rt.become !== become || rt.becomeMethod !== play.becomeMethod) continue;
    rt.invocations.forEach((inv, i) => {
      if (!inv.when) return;
      for (const [k, f] of Object.entries(inv.facts)) {
        if (quietSoFar) quiet.add(f.key);
        if (seen.has(f.key)) continue;
        seen.add(f.key);
        facts[`${pt.id}/${i}/${k}`] = f;
      }
    });
  }
  return { facts, quiet };
}

/**
 * The fast path: before the first task of a batch, the facts of every resolved task are probed in one
 * batched exec per host, into the host's fact cache (a dynamic task's as `guess` resolves them); each
 * task then plans from the cache (a task that changes the host clears it). The prefetch and the tasks
 * read the same resolved tasks, so no args are parsed twice.
 */
export async function prefetchFacts(env: RunEnv, play: PlannedPlay, runs: readonly HostRun[], batch: BatchInfo): Promise<void> {
  await Promise.all(
    runs.map(async (run) => {
      const conn = await run.conn;
      if (!conn) return;
      const become = becomeLevel(play.become, run.host, run.host, play.becomeUser);
      const { facts } = tasksAhead(env, play, run, become, batch, 0);
      if (Object.keys(facts).length === 0) return;
      try {
        await gatherFacts(withBecomeMethod(conn, play.becomeMethod), facts, { become, cache: run.cache, sigCache: run.sigCache });
      } catch {
        /* a failing prefetch is retried per task, where its error is reported with the task */
      }
    }),
  );
}

/**
 * Real runs: a task whose facts are not in the host's cache (a change dropped them) probes them together
 * with the path facts of the play's later tasks on this host, in one exec, instead of one probe per task
 * after every change.
 */
export async function probeAhead(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  rt: ResolvedTask,
  batch: BatchInfo,
): Promise<void> {
  if (env.plan.check || rt.delegateTo !== undefined) return;
  const known = (f: FactQuery) => run.cache.values.has(f.key);
  const own = rt.invocations.filter((i) => i.when).flatMap((i) => Object.values(i.facts));
  if (own.every(known)) return;
  const conn = await run.conn;
  if (!conn) return;
  const become = becomeLevel(play.become, run.host, run.host, play.becomeUser);
  const from = play.tasks.indexOf(pt);
  const { facts: ahead, quiet } = tasksAhead(env, play, run, become, batch, from);
  // later tasks' facts only when they say what they read: a fact that names no path (a command's probe, an
  // etcdctl check) is dropped by any change before its task, and may be slow before the tasks ahead of it ran;
  // except those of the read-only tasks right after this one, when it is read-only too (nothing runs on the
  // host between this probe and theirs)
  const mine = new Set(own.map((f) => f.key));
  const todo = Object.fromEntries(
    Object.entries(ahead).filter(([, f]) => !known(f) && (mine.has(f.key) || quiet.has(f.key) || namesWhatItReads(f))),
  );
  if (Object.keys(todo).length === 0) return;
  try {
    await gatherFacts(withBecomeMethod(conn, play.becomeMethod), todo, { become, cache: run.cache, sigCache: run.sigCache });
  } catch {
    /* the task probes its own facts and reports their error */
  }
  // read before the read-only tasks ahead of theirs: if one of those applies (a wait, a retry), they are stale
  for (const f of Object.values(todo)) if (quiet.has(f.key) && !mine.has(f.key) && !namesWhatItReads(f)) run.cache.markEarly(f.key);
}

/**
 * Whether the quiet prefix goes on through this task: it is read-only, not a barrier, and its facts are not
 * probed again by the runner (retried, run once, delegated). A task counts as read-only when its module has no apply, or says
 * so for the args of every invocation that runs.
 */
function quietTask(pt: PlannedTask, rt: ResolvedTask | undefined): boolean {
  const t = pt.task;
  // a barrier waits for the other hosts: what it reads is read after they reach it, never ahead of them
  if (t.runOnce || t.barrier || t.block || t.retries !== undefined || t.until !== undefined || t.notifiedBy.length > 0) return false;
  if (!rt || rt.delegateTo !== undefined) return false;
  const reads = (args: unknown) => !t.module.apply || t.module.readOnly?.(args) === true;
  return rt.invocations.every((inv) => !inv.when || reads(inv.args));
}

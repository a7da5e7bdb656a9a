import { randomBytes } from 'node:crypto';
import { withBecomeMethod } from '../become.js';
import type { Connection } from '../connection.js';
import { applied, failed, planResolved, type Execution, type PendingApply } from '../execute.js';
import type { FactCache } from '../gather.js';
import { describedChange } from '../known.js';
import type { ApplyStep } from '../module.js';
import { splitSteps, stepsScript, stepsStdin } from '../step.js';
import { doneOf } from './done.js';
import type { RunEnv } from './env.js';
import type { HostRun } from './host-run.js';
import type { Invocation, PlannedPlay, PlannedTask, ResolvedTask } from './plan-types.js';

/** A task of the group: planned from the cache, with its step when it applies. */
interface Member {
  pt: PlannedTask;
  inv: Invocation;
  planned: { done: Execution } | { pending: PendingApply; step: ApplyStep };
}

/**
 * The one invocation of a task that may run ahead with others: static on this host (its args and `when`
 * read no result), not delegated, looped, run once, in a block, notified, retried, timed or throttled,
 * at `rt`'s become; 'skipped' when its `when` is false; undefined otherwise.
 */
function aheadable(env: RunEnv, run: HostRun, pt: PlannedTask, become: ResolvedTask): Invocation | 'skipped' | undefined {
  const t = pt.task;
  const rt = env.plan.perHost[run.name]?.[pt.id];
  if (!pt.selected || !rt || rt.dynamic || rt.delegateTo !== undefined || rt.invocations.length !== 1) return undefined;
  if (t.loop !== undefined || t.runOnce || t.block || t.notifiedBy.length > 0 || t.timeoutMs !== undefined) return undefined;
  if (t.retries !== undefined || t.until !== undefined || t.throttle !== undefined) return undefined;
  if (rt.become !== become.become || rt.becomeMethod !== become.becomeMethod) return undefined;
  const inv = rt.invocations[0];
  if (inv && !inv.when) return 'skipped';
  return inv?.factsError === undefined ? inv : undefined;
}

const cachedAll = (inv: Invocation, known: FactCache) => Object.values(inv.facts).every((f) => known.values.has(f.key));

/**
 * Plan `pt` and the tasks after it from the host's cache alone, while each can be (its facts still hold
 * after the changes planned before it): the group ends before the first that cannot, and after its last step.
 */
async function planGroup(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, rt: ResolvedTask, conn: Connection) {
  const group: Member[] = [];
  const known = run.cache.clone();
  for (const next of play.tasks.slice(play.tasks.indexOf(pt))) {
    const inv = aheadable(env, run, next, rt);
    if (inv === 'skipped' && group.length > 0) continue; // reported skipped when the play reaches it
    if (!inv || inv === 'skipped' || !cachedAll(inv, known)) break;
    const planned = await planResolved(conn, next.task.module, { ...inv, ctx: rt.ctx }, { cache: run.cache, task: inv.task });
    if ('done' in planned) {
      if (planned.done.error || group.length === 0) break;
      group.push({ pt: next, inv, planned });
      continue;
    }
    const stepOf = next.task.module.step;
    if (!stepOf) break;
    const p = planned.pending;
    let step: ApplyStep;
    try {
      step = stepOf(
        { facts: p.p.values, host: run.name, task: p.where.task, become: rt.become, baseDir: p.p.pctx.baseDir },
        p.p.args,
        p.plan,
      );
    } catch {
      break; // its own run reports the error
    }
    group.push({ pt: next, inv, planned: { pending: p, step } });
    const changed = describedChange(p.plan);
    if (changed) known.forgetChanged(changed);
    else known.clear();
  }
  const last = group.findLastIndex((m) => 'step' in m.planned);
  return group.slice(0, last + 1);
}

/**
 * Real runs: when `pt` applies through a step, the tasks after it that can be planned from what is already
 * known apply in the same exec (one script, each step in order, the first failure ends it). Their results
 * wait on the host (`run.ahead`) until the play reaches them, so events, the recap and registrations come
 * in task order as always; their durable notifications are stored as soon as the exec returns.
 */
export async function runAhead(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  rt: ResolvedTask,
  conn: Connection,
): Promise<void> {
  if (env.plan.check || env.opts.step !== undefined || !pt.task.module.step || typeof aheadable(env, run, pt, rt) !== 'object') return;
  const group = await planGroup(env, play, pt, run, rt, conn);
  const steps = group.flatMap((m) => ('step' in m.planned ? [m.planned.step] : []));
  if (steps.length < 2 || env.opts.signal?.aborted) return;
  const nonce = `__tsplay_${randomBytes(6).toString('hex')}`;
  let results: ReturnType<typeof splitSteps> = [];
  let lost: unknown;
  try {
    const r = await withBecomeMethod(conn, rt.becomeMethod).exec(stepsScript(steps, nonce), {
      become: rt.become,
      stdin: stepsStdin(steps),
    });
    results = splitSteps(r.stdout, steps.length, nonce);
  } catch (e) {
    lost = e;
  }
  let j = 0;
  for (const m of group) {
    const ex = 'step' in m.planned ? settle(m, results[j++], lost, run) : m.planned.done;
    if (!ex) return;
    const d = doneOf(ex, m.inv.label, undefined);
    run.ahead.set(m.pt.id, d);
    if (d.outcome.status === 'failed' || d.outcome.status === 'unreachable') return;
    if (d.outcome.changed) for (const id of m.pt.notifies) env.store.add(run.name, id);
  }
}

/** A step's execution from its result; undefined when it did not run (an earlier step failed). */
function settle(m: Member, r: ReturnType<typeof splitSteps>[number] | undefined, lost: unknown, run: HostRun): Execution | undefined {
  if (!('step' in m.planned)) return m.planned.done;
  const { pending, step } = m.planned;
  const opts = { cache: run.cache, task: pending.where.task };
  if (r === undefined) return lost === undefined ? undefined : failed(lost, pending.where, pending.plan, opts);
  try {
    return applied(m.pt.task.module, pending, step.done(r), opts);
  } catch (e) {
    return failed(e, pending.where, pending.plan, opts);
  }
}

import type { Connection } from '../connection.js';
import { withBecomeMethod } from '../become.js';
import { toTsplayError, type TsplayError } from '../errors.js';
import { executeResolved, unknownOutcome } from '../execute.js';
import { changedPaths } from '../overlay.js';
import type { Diff } from '../module.js';
import type { TaskOutcome } from '../playbook.js';
import { redact } from '../secret.js';
import type { RunEnv } from './env.js';
import type { ContextTrace } from './context.js';
import type { HostRun, Target } from './host-run.js';
import type { Invocation, PlannedPlay, PlannedTask, ResolvedTask } from './plan-types.js';
import { resolveInTurn, type BatchInfo } from './resolve-at-run.js';
import { resultEvent, type ResultExtra } from './task-events.js';
import { withRetries } from './retry.js';
import { noteBlockOutcome } from './block-run.js';
import { doneOf, failure, type Done } from './done.js';
import { aggregate } from './loop-outcome.js';
import { probeAhead } from './prefetch.js';
import { runAhead } from './run-ahead.js';

/** Run one task on one host (its items, over its delegate), register and report the result. */
export async function runTaskOnHost(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  batch: BatchInfo,
): Promise<TaskOutcome | undefined> {
  let t0 = Date.now();
  const notified = isNotified(env, pt, run);
  const report = (d: Done) => finish(env, play, pt, run, batch, d, notified, Date.now() - t0);
  const trace: ContextTrace = { dynamic: false };
  let rt: ResolvedTask | undefined;
  try {
    // the task's time starts once it is resolved: a wait for another host's result (free strategy) is not its own
    rt = await resolveInTurn(env, play, pt, run, batch, notified, trace).finally(() => (t0 = Date.now()));
  } catch (e) {
    if (!(env.plan.check && trace.unknownFrom !== undefined))
      return report(failure(toTsplayError(e, 'TASK_FAILED').withContext({ host: run.name, task: pt.id }), true));
  }
  if (env.plan.check && trace.unknownFrom !== undefined) return report(unknownFrom(env, pt, run, rt, trace.unknownFrom));
  if (!rt) throw new Error('unreachable: a task is resolved or has failed');
  if (rt.invocations.every((i) => !i.when) && pt.task.loop === undefined) return report({ outcome: skippedItem(), extra: {} });
  const target: Target = rt.delegateTo !== undefined ? env.target(rt.delegateTo) : run;
  const conn = await target.conn;
  if (!conn) {
    if (target === run) return undefined; // reported at connect
    return report(
      failure(
        toTsplayError(new Error(`cannot reach ${rt.delegateTo}, the delegate of this task`), 'UNREACHABLE').withContext({
          host: run.name,
          task: pt.id,
        }),
        false,
      ),
    );
  }
  const ready = takeAhead(run, pt);
  if (ready) return report(ready);
  await probeAhead(env, play, pt, run, rt, batch);
  if (target === run) await runAhead(env, play, pt, run, rt, conn, batch);
  const first = takeAhead(run, pt);
  if (first) return report(first);
  const delegatedTo = target === run ? undefined : target.host.name;
  const outcomes: Done[] = [];
  for (const inv of rt.invocations) {
    const d = inv.when
      ? await invoke(env, pt, run, target, conn, rt, inv, delegatedTo)
      : { outcome: skippedItem(), extra: { item: inv.label } };
    outcomes.push(d);
    if (pt.task.loop !== undefined)
      env.opts.emit(
        resultEvent(play, pt, run.name, batchNo(batch), d.outcome, Date.now() - t0, { ...d.extra, delegatedTo }, env.opts.diff ?? false),
      );
  }
  if (pt.task.loop === undefined) return report(outcomes[0] as Done);
  return report({ outcome: aggregate(outcomes.map((d) => d.outcome)), extra: { delegatedTo }, reported: outcomes.length > 0 });
}

function takeAhead(run: HostRun, pt: PlannedTask): Done | undefined {
  const d = run.ahead.get(pt.id);
  run.ahead.delete(pt.id);
  return d;
}

const isNotified = (env: RunEnv, pt: PlannedTask, run: HostRun): boolean =>
  pt.task.notifiedBy.some((n) => run.byTask.get(n)?.changed === true) || env.store.has(run.name, pt.id);
const batchNo = (b: BatchInfo) => (b.count > 1 ? b.number : undefined);
const skippedItem = (): TaskOutcome => ({ status: 'skipped', changed: false, data: undefined, summary: 'condition false' });

/**
 * Check mode: the task's functions read a result check mode could not predict. What it would touch is
 * unknown to later tasks: the paths its facts read (or, when its args cannot even be resolved, the whole host).
 */
function unknownFrom(env: RunEnv, pt: PlannedTask, run: HostRun, rt: ResolvedTask | undefined, from: string): Done {
  const target = rt?.delegateTo !== undefined ? env.target(rt.delegateTo) : run;
  const writes = rt?.invocations.filter((i) => i.when && !(pt.task.module.readOnly?.(i.args) ?? false)) ?? [];
  const whole = rt === undefined || writes.some((i) => i.factsError !== undefined);
  const paths = writes.flatMap((i) => changedPaths(Object.values(i.facts).flatMap((q) => [...(q.paths ?? [])])));
  // no path to name (a command): recorded as an opaque change, which later read-only probes respect
  if (whole || writes.length > 0) target.overlay.record({ unknown: whole ? ['/'] : paths }, pt.id);
  return { outcome: unknownOutcome(`depends on ${from}, which check mode cannot predict`), extra: {} };
}

/** One invocation, with the task's `retries`/`until`/`delayMs` (see retry.ts). */
function invoke(
  env: RunEnv,
  pt: PlannedTask,
  run: HostRun,
  target: Target,
  conn: Connection,
  rt: ResolvedTask,
  inv: Invocation,
  delegatedTo: string | undefined,
): Promise<Done> {
  const log = (message: string) => env.opts.emit({ type: 'log', host: run.name, task: pt.name, id: pt.id, message: redact(message) });
  return withRetries(pt.task, { check: env.plan.check, log, forget: () => target.cache.clear(), signal: env.opts.signal }, () =>
    invokeOnce(env, pt, run, target, conn, rt, inv, delegatedTo),
  );
}

async function invokeOnce(
  env: RunEnv,
  pt: PlannedTask,
  run: HostRun,
  target: Target,
  conn: Connection,
  rt: ResolvedTask,
  inv: Invocation,
  delegatedTo: string | undefined,
): Promise<Done> {
  const ex = await executeResolved(
    withBecomeMethod(conn, rt.becomeMethod),
    pt.task.module,
    { args: inv.args, ctx: rt.ctx, facts: inv.facts, factsError: inv.factsError },
    {
      overlay: target.overlay,
      cache: target.cache,
      sigCache: target.sigCache,
      task: inv.task,
      log: (message) => env.opts.emit({ type: 'log', host: run.name, task: pt.name, id: pt.id, message: redact(message) }),
      ...(env.opts.signal ? { signal: env.opts.signal } : {}),
    },
  );
  return doneOf(ex, inv.label, delegatedTo);
}

/** Check mode: a rescue task where the block's outcome is unknown is unknown too (never guessed). */
export async function rescueUnknown(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, batch: BatchInfo): Promise<void> {
  let rt: ResolvedTask | undefined;
  try {
    rt = await resolveInTurn(env, play, pt, run, batch, isNotified(env, pt, run), { dynamic: false });
  } catch {
    rt = undefined; // its args cannot be resolved: the whole host is unknown after it
  }
  finish(env, play, pt, run, batch, unknownFrom(env, pt, run, rt, `the outcome of block "${pt.task.block?.name}"`), false, 0);
}

/** `runOnce`: the other live hosts of the batch take the result of the host that ran it, through the same finish. */
export function shareRunOnce(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  from: HostRun,
  to: HostRun,
  batch: BatchInfo,
  o: TaskOutcome,
  ms: number,
): void {
  finish(env, play, pt, to, batch, { outcome: o, extra: { delegatedTo: from.name, runOnce: true } }, isNotified(env, pt, to), ms);
}

/** Register, count, keep durable notifications, and report (loops already reported per item). */
function finish(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  batch: BatchInfo,
  d: Done,
  notified: boolean,
  ms: number,
): TaskOutcome {
  const o = d.outcome;
  run.register(pt.id, pt.task, o);
  const inBlock = noteBlockOutcome(run, pt, o);
  if (inBlock.uncounted) run.recap.durationMs += ms;
  else run.count(o, ms);
  if (o.status === 'failed' && !pt.task.ignoreErrors && !inBlock.held) run.failed = true;
  if (!env.plan.check && o.status !== 'failed' && o.status !== 'unreachable') {
    // Durable: notify later tasks now, before anything else can fail.
    if (o.changed) for (const id of pt.notifies) env.store.add(run.name, id);
    if (notified) env.store.clear(run.name, pt.id);
  }
  if (!d.reported) env.opts.emit(resultEvent(play, pt, run.name, batchNo(batch), o, ms, d.extra, env.opts.diff ?? false));
  return o;
}

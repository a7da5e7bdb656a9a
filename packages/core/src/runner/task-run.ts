import type { Connection } from '../connection.js';
import { toTsplayError, type TsplayError } from '../errors.js';
import { executeModule, unknownOutcome } from '../execute.js';
import type { Diff } from '../module.js';
import type { TaskOutcome } from '../playbook.js';
import { redact } from '../secret.js';
import type { RunEnv } from './env.js';
import { evaluateTask } from './host-plan.js';
import type { HostRun, Target } from './host-run.js';
import type { HostTaskPlan, Invocation, PlannedPlay, PlannedTask } from './plan-types.js';
import { resultEvent, type ResultExtra } from './task-events.js';

export interface BatchInfo {
  /** 1-based batch number, and how many batches the play has. */
  number: number;
  count: number;
  hosts: readonly string[];
}

interface Done {
  outcome: TaskOutcome;
  extra: ResultExtra;
  /** Already reported item by item (a loop). */
  reported?: boolean;
}

/** Run one task on one host (its items, over its delegate), register and report the result. */
export async function runTaskOnHost(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, batch: BatchInfo): Promise<TaskOutcome | undefined> {
  const t0 = Date.now();
  const notified = pt.task.notifiedBy.some((n) => run.byTask.get(n)?.changed === true) || env.store.has(run.name, pt.id);
  const report = (d: Done) => finish(env, play, pt, run, batch, d, notified, Date.now() - t0);
  let decided: ReturnType<typeof decide>;
  try {
    decided = decide(env, play, pt, run, batch, notified);
  } catch (e) {
    return report(failure(toTsplayError(e, 'TASK_FAILED').withContext({ host: run.name, task: pt.id })));
  }
  if ('unknownFrom' in decided) return report({ outcome: unknownOutcome(`depends on ${decided.unknownFrom}, which check mode cannot predict`), extra: {} });
  if (decided.dynamic) throw new Error('unreachable: a dynamic task is evaluated before it runs');
  if (decided.invocations.every((i) => !i.when) && pt.task.loop === undefined)
    return report({ outcome: { status: 'skipped', changed: false, data: undefined, summary: 'condition false' }, extra: {} });
  const target: Target = decided.delegateTo !== undefined ? env.target(decided.delegateTo) : run;
  const conn = await target.conn;
  if (!conn) {
    if (target === run) return undefined; // reported at connect
    return report(failure(toTsplayError(new Error(`cannot reach ${decided.delegateTo}, the delegate of this task`), 'UNREACHABLE').withContext({ host: run.name, task: pt.id })));
  }
  const delegatedTo = target === run ? undefined : target.host.name;
  const outcomes: Done[] = [];
  for (const inv of decided.invocations) {
    const d = inv.when ? await invoke(env, pt, run, target, conn, inv, delegatedTo) : { outcome: skippedItem(), extra: { item: inv.label } };
    outcomes.push(d);
    if (pt.task.loop !== undefined) env.opts.emit(resultEvent(play, pt, run.name, batchNo(batch), d.outcome, Date.now() - t0, { ...d.extra, delegatedTo }, env.opts.diff ?? false));
  }
  if (pt.task.loop === undefined) return report(outcomes[0] as Done);
  return report({ outcome: aggregate(outcomes.map((d) => d.outcome)), extra: { delegatedTo }, reported: outcomes.length > 0 });
}

const batchNo = (b: BatchInfo) => (b.count > 1 ? b.number : undefined);
const skippedItem = (): TaskOutcome => ({ status: 'skipped', changed: false, data: undefined, summary: 'condition false' });
const failure = (error: TsplayError): Done => ({ outcome: { status: error.code === 'UNREACHABLE' ? 'unreachable' : 'failed', changed: false, data: undefined, msg: error.message }, extra: { error } });

/** A task's functions evaluated now, with the results registered so far (dynamic tasks; the prefetch's guess). */
export function evaluateAtRun(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, batch: BatchInfo, notified: boolean): ReturnType<typeof evaluateTask> {
  return evaluateTask(pt, {
    inventory: env.plan.inventory,
    host: run.host,
    vars: run.vars,
    check: env.plan.check,
    notified,
    play: { name: play.name, batch: batch.number, hosts: batch.hosts },
    lookup: (h, t) => env.runs.get(h)?.byTask.get(t),
  });
}

/** The plan-time decision, or the run-time evaluation of a dynamic task (its functions, once). */
function decide(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, batch: BatchInfo, notified: boolean): HostTaskPlan | { dynamic: false; unknownFrom: string } {
  const planned = env.plan.perHost[run.name]?.[pt.id];
  if (planned && !planned.dynamic) return planned;
  const { trace, ...decided } = evaluateAtRun(env, play, pt, run, batch, notified);
  if (env.plan.check && trace.unknownFrom !== undefined) return { dynamic: false, unknownFrom: trace.unknownFrom };
  return decided;
}

async function invoke(env: RunEnv, pt: PlannedTask, run: HostRun, target: Target, conn: Connection, inv: Invocation, delegatedTo: string | undefined): Promise<Done> {
  const task = inv.label === undefined ? pt.id : `${pt.id} (${inv.label})`;
  const ex = await executeModule(conn, pt.task.module, inv.raw, {
    check: env.plan.check,
    become: pt.become ?? target.host.become ?? run.host.become ?? false,
    overlay: target.overlay,
    cache: target.cache,
    sigCache: target.sigCache,
    task,
    baseDir: env.opts.baseDir ?? process.cwd(),
    timeoutMs: pt.task.timeoutMs,
    log: (message) => env.opts.emit({ type: 'log', host: run.name, task: pt.name, id: pt.id, message: redact(message) }),
    ...(env.opts.signal ? { signal: env.opts.signal } : {}),
  });
  const outcome = ex.error?.code === 'UNREACHABLE' && !delegatedTo ? { ...ex.outcome, status: 'unreachable' as const } : ex.outcome;
  return { outcome, extra: { diff: ex.diff as Diff[] | undefined, error: ex.error, item: inv.label, delegatedTo } };
}

/** A loop's registered result: the items' outcomes and data, the worst status. */
function aggregate(items: TaskOutcome[]): TaskOutcome {
  const order = ['unreachable', 'failed', 'unknown', 'changed', 'ok', 'skipped'] as const;
  const status = order.find((s) => items.some((o) => o.status === s)) ?? 'skipped';
  const changed = items.some((o) => o.changed);
  return { status, changed, data: items.map((o) => o.data), results: items, unknown: items.some((o) => o.unknown) || undefined, summary: `${items.length} item(s)` };
}

/** Register, count, keep durable notifications, and report (loops already reported per item). */
function finish(env: RunEnv, play: PlannedPlay, pt: PlannedTask, run: HostRun, batch: BatchInfo, d: Done, notified: boolean, ms: number): TaskOutcome {
  const o = d.outcome;
  run.register(pt.id, pt.task, o);
  run.count(o, ms);
  if (o.status === 'failed' && !pt.task.ignoreErrors) run.failed = true;
  if (!env.plan.check && o.status !== 'failed' && o.status !== 'unreachable') {
    // Durable: notify later tasks now, before anything else can fail.
    if (o.changed) for (const id of pt.notifies) env.store.add(run.name, id);
    if (notified) env.store.clear(run.name, pt.id);
  }
  if (!d.reported) env.opts.emit(resultEvent(play, pt, run.name, batchNo(batch), o, ms, d.extra, env.opts.diff ?? false));
  return o;
}

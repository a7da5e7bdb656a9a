import type { Connection } from './connection.js';
import { parseArgs } from './args.js';
import { TsplayError, toTsplayError } from './errors.js';
import { isUnknownFact, type FactQuery, type FactValues } from './facts.js';
import { gatherFacts, type FactCache } from './gather.js';
import type { AnyModule, ApplyResult, Diff, Plan, PlanContext } from './module.js';
import { changedPaths, type Overlay } from './overlay.js';
import { afterApply } from './known.js';
import { applyOutcome, applyWithTimeout } from './apply-call.js';
import type { SigCache } from './sigcache.js';
import type { TaskOutcome } from './playbook.js';

export interface ExecuteOptions {
  check?: boolean;
  become?: boolean | string;
  overlay?: Overlay | undefined;
  /**
   * A real run planning ahead (runner/group-facts.ts): the facts about what these planned changes make are
   * answered from them, as check mode answers them from `overlay`.
   */
  predicted?: Overlay | undefined;
  cache?: FactCache | undefined;
  sigCache?: SigCache | undefined;
  task?: string;
  signal?: AbortSignal;
  baseDir?: string;
  log?: (msg: string) => void;
  timeoutMs?: number | undefined;
}

export interface Execution<R = unknown> {
  outcome: TaskOutcome<R>;
  plan: Plan | undefined;
  diff: Diff[] | undefined;
  error: TsplayError | undefined;
}

export { parseArgs } from './args.js';

/** The outcome of a task that check mode cannot predict (see docs/check-mode.md). */
export function unknownOutcome<R>(reason: string): TaskOutcome<R> {
  return { status: 'unknown', changed: false, data: undefined, unknown: true, summary: reason };
}

/** A task resolved for one host: parsed args, the module's plan context and its fact queries (see runner/resolve.ts). */
export interface ResolvedCall {
  args: unknown;
  ctx: PlanContext & { baseDir: string };
  facts: Record<string, FactQuery>;
  /** Thrown by the module's `facts`: the task fails with it. */
  factsError?: unknown;
}

export interface Prepared {
  args: unknown;
  /** Every host path the module's facts read. */
  paths: string[];
  pctx: ResolvedCall['ctx'];
  values: Record<string, unknown>;
}

/** Gather a resolved call's facts (overlay, cache, signature cache, then one batched probe). */
async function prepare(conn: Connection, call: ResolvedCall, opts: ExecuteOptions): Promise<Prepared> {
  if (call.factsError !== undefined) throw call.factsError;
  const { args, ctx, facts } = call;
  const paths = Object.values(facts).flatMap((q) => [...(q.paths ?? [])]);
  const values = await gatherFacts(conn, facts as never, {
    become: ctx.become,
    overlay: ctx.check ? opts.overlay : opts.predicted,
    cache: opts.cache,
    sigCache: opts.sigCache,
    signal: opts.signal,
  });
  return { args, paths, pctx: ctx, values: values as Record<string, unknown> };
}

/** Check mode: why this task cannot be predicted, or undefined when it can. */
function unknownReason(module: AnyModule, p: Prepared, overlay: Overlay | undefined): string | undefined {
  for (const v of Object.values(p.values)) if (isUnknownFact(v)) return v.reason;
  if (!overlay || !module.readOnly?.(p.args)) return undefined;
  for (const path of module.reads?.(p.args) ?? []) {
    const why = overlay.unknown(path);
    if (why !== undefined) return why;
    if (overlay.touches(path)) return `depends on ${overlay.changedBy.get(path) ?? 'an earlier task'}, which would change ${path}`;
  }
  return undefined;
}

/** One module call on a connection, args unparsed (tests, tools): validate, list its facts, then `executeResolved`. */
export async function executeModule<R = unknown>(
  conn: Connection,
  module: AnyModule,
  rawArgs: unknown,
  opts: ExecuteOptions = {},
): Promise<Execution<R>> {
  const where = { host: conn.host, task: opts.task ?? module.name };
  const ctx = {
    host: conn.host,
    check: opts.check ?? false,
    become: opts.become ?? false,
    baseDir: opts.baseDir ?? process.cwd(),
    timeoutMs: opts.timeoutMs,
  };
  try {
    const args = parseArgs(module, rawArgs, where);
    return await executeResolved<R>(conn, module, { args, ctx, facts: module.facts(args, ctx) as Record<string, FactQuery> }, opts);
  } catch (e) {
    const error = toTsplayError(e, 'TASK_FAILED').withContext(where);
    return { outcome: { status: 'failed', changed: false, data: undefined, msg: error.message }, plan: undefined, diff: undefined, error };
  }
}

/** A task planned to apply (see `planResolved`): its facts, plan and diff, waiting for its apply's result. */
export interface PendingApply {
  p: Prepared;
  plan: Plan;
  diff: Diff[] | undefined;
  secretDiff: boolean;
  where: { host: string; task: string };
  /** Check mode: the first predicted change before this read-only apply. */
  pendingBefore?: string | undefined;
}

type ExecOpts = Omit<ExecuteOptions, 'check' | 'become' | 'baseDir' | 'timeoutMs'>;

/**
 * One resolved task on one host: gather facts (overlay/cache first), plan, and apply unless in check
 * mode. `call.ctx` decides check and become; `opts` gives the per-host stores, the task's name and log.
 */
export async function executeResolved<R = unknown>(
  conn: Connection,
  module: AnyModule,
  call: ResolvedCall,
  opts: ExecOpts = {},
): Promise<Execution<R>> {
  const planned = await planResolved<R>(conn, module, call, opts);
  if ('done' in planned) return planned.done;
  const a = planned.pending;
  try {
    const res = await applyWithTimeout(conn, module, a.p, a.plan, { ...opts, timeoutMs: call.ctx.timeoutMs }, a.where);
    return applied<R>(module, a, res, opts);
  } catch (e) {
    return failed<R>(e, a.where, a.plan, opts);
  }
}

/** A task that failed by throwing: its coded error, and the host's cached facts forgotten. */
export function failed<R>(e: unknown, where: { host: string; task: string }, plan: Plan | undefined, opts: ExecOpts): Execution<R> {
  opts.cache?.clear();
  const error = toTsplayError(e, 'TASK_FAILED').withContext(where);
  return { outcome: { status: 'failed', changed: false, data: undefined, msg: error.message }, plan, diff: undefined, error };
}

/** The execution of a task from its apply's result (the cache keeps what the apply cannot have changed). */
export function applied<R>(module: AnyModule, a: PendingApply, res: ApplyResult, opts: ExecOpts): Execution<R> {
  const { p, plan, diff, where } = a;
  const check = p.pctx.check;
  // Anything but a read-only apply may have changed what the cached facts read (even when it reports no
  // change); a change its plan describes keeps what it cannot have touched.
  if (!check) afterApply(opts.cache, plan, res, module.readOnly?.(p.args) ?? false);
  // A read-only probe that fails after earlier predicted changes may only fail because they did not happen.
  if (check && res.failed && a.pendingBefore !== undefined)
    return { outcome: unknownOutcome<R>(`may depend on ${a.pendingBefore}`), plan, diff, error: undefined };
  const outcome = applyOutcome<R>(res, plan);
  const error = res.failed ? new TsplayError('TASK_FAILED', res.msg ?? 'task failed', where) : undefined;
  return { outcome, plan, diff: a.secretDiff ? diff : (res.diff ?? diff), error };
}

/** Gather and plan: the task's execution when it needs no apply (or cannot be planned), else what its apply needs. */
export async function planResolved<R = unknown>(
  conn: Connection,
  module: AnyModule,
  call: ResolvedCall,
  opts: ExecOpts = {},
): Promise<{ done: Execution<R> } | { pending: PendingApply }> {
  const check = call.ctx.check;
  const where = { host: conn.host, task: opts.task ?? module.name };
  let plan: Plan | undefined;
  try {
    const p = await prepare(conn, call, opts);
    const why = check ? unknownReason(module, p, opts.overlay) : undefined;
    if (why !== undefined) {
      // It may change what it would have planned for: later tasks must not trust the host there (a read-only task changes nothing).
      if (!module.readOnly?.(p.args)) opts.overlay?.record({ unknown: changedPaths(p.paths) }, where.task);
      return { done: { outcome: unknownOutcome<R>(why), plan: undefined, diff: undefined, error: undefined } };
    }
    plan = module.plan(p.values as FactValues<never>, p.args, p.pctx);
    if (check && plan.unknown !== undefined) {
      opts.overlay?.record(
        { unknown: [...p.paths, ...Object.keys(plan.predict?.paths ?? {}), ...(plan.predict?.unknown ?? [])] },
        where.task,
      );
      return { done: { outcome: unknownOutcome<R>(plan.unknown), plan, diff: undefined, error: undefined } };
    }
    const secretDiff = module.secret?.(p.args) ?? false;
    const diff = secretDiff ? plan.diff?.map((d) => ({ path: d.path, before: '<secret>', after: '<secret>' })) : plan.diff;
    if (plan.skipped) {
      const outcome: TaskOutcome<R> = { status: 'skipped', changed: false, data: undefined, msg: plan.skipped, summary: plan.skipped };
      return { done: { outcome, plan, diff, error: undefined } };
    }
    const wantsApply = plan.changed || plan.run === true;
    const mayApply = !check || (module.readOnly?.(p.args) ?? false);
    const pendingBefore = check ? opts.overlay?.firstChange() : undefined;
    if (check && plan.changed) opts.overlay?.record(plan.predict ?? {}, where.task);
    if (wantsApply && mayApply && module.apply) return { pending: { p, plan, diff, secretDiff, where, pendingBefore } };
    const data = module.resultFromPlan?.(plan, p.args) as R | undefined;
    const status = plan.changed ? 'changed' : 'ok';
    const outcome: TaskOutcome<R> = {
      status,
      changed: plan.changed,
      data,
      summary: plan.summary,
      stdout: plan.stdout,
      stderr: plan.stderr,
    };
    return { done: { outcome, plan, diff, error: undefined } };
  } catch (e) {
    return { done: failed<R>(e, where, plan, opts) };
  }
}

import type { z } from 'zod';
import type { Connection, ExecResult, PathState } from './connection.js';
import type { FactQuery, FactValues, UnitState } from './facts.js';

/** A textual diff shown with --diff (secrets already replaced by the module). */
export interface Diff {
  path?: string | undefined;
  before: string;
  after: string;
}

/** What a plan predicts the host will look like after apply (feeds the check-mode overlay). */
export interface Prediction {
  paths?: Record<string, PathState> | undefined;
  units?: Record<string, Partial<UnitState>> | undefined;
  /**
   * Paths the apply would change in a way no plan can describe (a command's `creates`, an archive
   * whose members are unknown): later tasks' facts about them are `unknown` in check mode.
   */
  unknown?: readonly string[] | undefined;
}

/** The pure outcome of planning a task against facts. */
export interface Plan<D = unknown> {
  /** Would apply change the host? */
  changed: boolean;
  /** Call apply even when `changed` is false (e.g. commands that always run). */
  run?: boolean | undefined;
  /** One line for humans: "would create /etc/etcd (mode 0755)". */
  summary?: string | undefined;
  diff?: Diff[] | undefined;
  predict?: Prediction | undefined;
  /** Module-private data handed from plan to apply. */
  data?: D | undefined;
  /**
   * Check mode: the plan cannot tell what apply would do (e.g. an archive an earlier task would
   * fetch, over targets that already exist); the reason. The task is reported `unknown`, and the
   * paths of `predict` (and of the facts) become unknown to later tasks. Ignored in a real run.
   */
  unknown?: string | undefined;
  /** Set when the task is skipped (e.g. `creates` exists): counts as skipped in the recap. */
  skipped?: string | undefined;
  /** The task's output when apply is not called (a probe already answered by the batched facts). */
  stdout?: string | undefined;
  stderr?: string | undefined;
}

export interface TaskLog {
  (message: string): void;
}

/** The small context a module's apply receives (no god object). */
export interface ApplyContext<FV = unknown> {
  /** The facts the plan was made from (the same values, so mode/owner need not travel in plan.data). */
  facts: FV;
  conn: Connection;
  host: string;
  task: string;
  /** true when the task (or play) asked for become. */
  become: boolean | string;
  check: boolean;
  log: TaskLog;
  /** Aborted when the run is interrupted. */
  signal: AbortSignal;
  /** Local directory that relative workstation paths (copy src, ...) resolve against. */
  baseDir: string;
}

/** What apply reports back. `changed` defaults to the plan's. */
export interface ApplyResult<R = unknown> {
  changed?: boolean | undefined;
  failed?: boolean | undefined;
  /** Message shown when failed. */
  msg?: string | undefined;
  data?: R | undefined;
  stdout?: string | undefined;
  stderr?: string | undefined;
  diff?: Diff[] | undefined;
}

/**
 * A module's apply as one script (`ModuleDef.step`): built purely from the plan, so the runner can send
 * the steps of consecutive tasks of a host in one exec. The script exits non-zero only when it failed
 * (a failed step ends the exec: the steps after it do not run); `done` reads its result, and throws the
 * task's coded error for a failure it recognizes.
 */
export interface ApplyStep<R = unknown> {
  script: string;
  /** The script's stdin (content, never on argv); each step of an exec gets exactly its own bytes. */
  stdin?: string | Buffer | undefined;
  /** The time limit of the step's own exec when it runs alone (default: the connection's). */
  timeoutMs?: number | undefined;
  done(r: ExecResult): ApplyResult<R>;
}

/** What a step is built from: the facts the plan was made from and where it runs (no connection). */
export interface StepContext<FV = unknown> {
  facts: FV;
  host: string;
  task: string;
  become: boolean | string;
  baseDir: string;
}

export interface PlanContext {
  host: string;
  check: boolean;
  become: boolean | string;
  /** Local directory that relative workstation paths resolve against (the playbook's directory). */
  baseDir?: string | undefined;
  /** The task's own time limit: a fact that runs a command must not run without it (batched facts have none). */
  timeoutMs?: number | undefined;
}

export interface ModuleDef<S extends z.ZodType, F extends { [K in keyof F]: FactQuery<any> }, R, D> {
  name: string;
  args: S;
  /** Read-only probes the plan needs; batched by the runner. */
  facts: (args: z.output<S>, ctx: PlanContext) => F;
  /** Pure: facts + args -> plan. No I/O. */
  plan: (facts: FactValues<F>, args: z.output<S>, ctx: PlanContext) => Plan<D>;
  /** Makes the change. Called when plan.changed or plan.run (in check mode only when `readOnly`). */
  apply?: (ctx: ApplyContext<FactValues<F>>, args: z.output<S>, plan: Plan<D>) => Promise<ApplyResult<R>>;
  /**
   * The apply as one script, built from the plan (see ApplyStep): the runner may send the steps of a host's
   * consecutive tasks in one exec. A module with `step` and no `apply` applies by running its step.
   * `undefined`: this plan applies only through `apply` (e.g. it uploads a file first).
   */
  step?: (ctx: StepContext<FactValues<F>>, args: z.output<S>, plan: Plan<D>) => ApplyStep<R> | undefined;
  /** True when apply only reads (safe to run in check mode, like a readOnly command). */
  readOnly?: (args: z.output<S>) => boolean;
  /** The data a task returns when apply is not called (unchanged or check mode). */
  resultFromPlan?: (plan: Plan<D>, args: z.output<S>) => R | undefined;
  /**
   * Paths a read-only apply reads (in check mode): when an earlier task would change one of them,
   * the task is `unknown` instead of running against the old state. Undefined: not declared, and a
   * read-only apply that fails after earlier predicted changes is `unknown` rather than failed.
   */
  reads?: (args: z.output<S>) => readonly string[] | undefined;
  /** Paths whose content is secret: diffs of them are never shown. */
  secret?: (args: z.output<S>) => boolean;
}

export interface Module<
  S extends z.ZodType = z.ZodType,
  F extends { [K in keyof F]: FactQuery<any> } = Record<string, FactQuery>,
  R = unknown,
  D = unknown,
> extends ModuleDef<S, F, R, D> {
  readonly kind: 'tsplay-module';
  /**
   * Phantom (types only, never set): the args a task gives. `task` infers its args type from this
   * property rather than through a conditional type, so an args function keeps literal types.
   */
  readonly __args?: z.input<S>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<z.ZodType, any, any, any>;
export type ModuleArgs<M> = M extends Module<infer S, infer _F, infer _R, infer _D> ? z.input<S> : never;
export type ModuleResult<M> = M extends Module<infer _S, infer _F, infer R, infer _D> ? R : never;

/** Define a module: args are validated by zod before any host is touched; facts/plan are pure. */
export function defineModule<S extends z.ZodType, F extends { [K in keyof F]: FactQuery<any> }, R = undefined, D = unknown>(
  def: ModuleDef<S, F, R, D>,
): Module<S, F, R, D> {
  const step = def.step;
  const apply = def.apply ?? (step ? (ctx, args, plan) => runStep(ctx, step(ctx, args, plan)) : undefined);
  return { ...def, ...(apply ? { apply } : {}), kind: 'tsplay-module' };
}

/** A step run on its own: one exec. */
async function runStep<R>(ctx: ApplyContext, s: ApplyStep<R> | undefined): Promise<ApplyResult<R>> {
  if (!s) throw new Error('this module has no apply, and its step gave none for this plan');
  return s.done(await ctx.conn.exec(s.script, { become: ctx.become, stdin: s.stdin, timeoutMs: s.timeoutMs }));
}

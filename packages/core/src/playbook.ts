import type { z } from 'zod';
import type { BecomeMethod } from './connection.js';
import type { AnyModule, ModuleArgs, ModuleResult } from './module.js';

/** A host as tasks see it. */
export interface HostInfo {
  name: string;
  address: string;
  groups: readonly string[];
  vars: Readonly<Record<string, unknown>>;
}

/** `unknown`: check mode only, the task depends on state an earlier task would change (see `reason`). */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'unknown';

/** The registered result of a task on one host. */
export interface TaskOutcome<R = unknown> {
  status: TaskStatus;
  changed: boolean;
  data: R | undefined;
  stdout?: string | undefined;
  stderr?: string | undefined;
  msg?: string | undefined;
  summary?: string | undefined;
  /** Check mode could not predict this task (status `unknown`); `summary` says why. */
  unknown?: boolean | undefined;
  /** A `loop` task: one outcome per item, in item order (`data` is then the list of their data). */
  results?: readonly TaskOutcome<unknown>[] | undefined;
}

export interface TaskContext<V = Record<string, unknown>> {
  host: HostInfo;
  /** The playbook's vars for this host, validated by its schema. */
  vars: V;
  /** Hosts of a group (or all) in the inventory, in inventory order. */
  hosts(group?: string): HostInfo[];
  /** The result of an earlier task on this host (typed by the task handle). */
  result<R>(t: Task<AnyModule, R>): TaskOutcome<R> | undefined;
  /** True when any of these earlier tasks changed something on this host in this run. */
  changed(...tasks: Task[]): boolean;
  /** True when a durable notification is pending for this task (see `notifiedBy`). */
  notified: boolean;
  check: boolean;
  /** The current item of a `loop` task (undefined outside loops). */
  item: unknown;
  /** Another host's registered result of a task in this run (Ansible's `hostvars[h].result`). */
  resultOf<R>(host: string, t: Task<AnyModule, R>): TaskOutcome<R> | undefined;
  /** The play's current batch (see `serial`): its 1-based number and its hosts. */
  play: { name: string; batch: number; hosts: readonly string[] };
}

export type ArgsOf<M extends AnyModule, V> = ModuleArgs<M> | ((ctx: TaskContext<V>) => ModuleArgs<M>);

export interface TaskOptions<V = any, R = any> {
  name?: string;
  tags?: readonly string[];
  /** Run the task only where this returns true (skipped elsewhere). */
  when?: (ctx: TaskContext<V>) => boolean;
  /** Run as root (`true`) or as the named user (shorthand for `become: true, becomeUser`); default: the play's. */
  become?: boolean | string;
  /** The user to become when become is on (Ansible's `become_user`); default: the play's, else root. */
  becomeUser?: string;
  /** How to become (Ansible's `become_method`); default: the play's, else the host's (inventory, `--become-method`), else sudo. */
  becomeMethod?: BecomeMethod;
  ignoreErrors?: boolean;
  /**
   * Handler-like, durable trigger: when one of these tasks changes on a host, this task is
   * notified (`ctx.notified`), and the notification is stored on the workstation until this
   * task has succeeded on that host, so a failure in between does not lose it.
   */
  notifiedBy?: readonly Task[];
  /** Fail the task when it runs longer than this. */
  timeoutMs?: number;
  /** Run on the first live host of the batch only; every host of the batch registers its result. */
  runOnce?: boolean;
  /**
   * Every host of the batch finishes the tasks before this one before any host starts it (the free
   * strategy meets here, as at a `runOnce` task; no host applies it ahead in an earlier task's exec):
   * for a step whose hosts act on each other, e.g. starting the members of a cluster that each check
   * their peers first.
   */
  barrier?: boolean;
  /** Run over this host's connection (an inventory host, or 'localhost' for the workstation), with the current host's vars. */
  delegateTo?: string | ((ctx: TaskContext<V>) => string);
  /** One invocation per item (`ctx.item` in args and `when`); registered as a list. */
  loop?: readonly unknown[] | ((ctx: TaskContext<V>) => readonly unknown[]);
  /** How an item is named in events and output (default: the item as JSON, or its `name`). */
  label?: (item: any) => string;
  /** Try again when it fails, or while `until` does not hold: at most this many more times (default 3 with `until`, else 0). */
  retries?: number;
  /** Keep trying until this holds over the module's result (check mode: evaluated once, never retried). */
  until?: (r: TaskOutcome<R>) => boolean;
  /** Pause between tries, in milliseconds (default 1000). */
  delayMs?: number;
  /** At most this many hosts run this task at once (within `forks`). */
  throttle?: number;
}

/** Where a task sits in a `block`: its part, and the block's shared identity. */
export interface BlockRef {
  readonly name: string;
  readonly id: object;
  readonly part: 'block' | 'rescue' | 'always';
  /** Does the block have rescue tasks (a failure in the block is then rescued, not a host failure yet). */
  readonly hasRescue: boolean;
}

export interface Task<M extends AnyModule = AnyModule, R = unknown> {
  readonly kind: 'tsplay-task';
  readonly name: string;
  readonly module: M;
  readonly args: ArgsOf<M, any>;
  readonly tags: readonly string[];
  readonly when?: ((ctx: TaskContext<any>) => boolean) | undefined;
  readonly become?: boolean | string | undefined;
  readonly becomeUser?: string | undefined;
  readonly becomeMethod?: BecomeMethod | undefined;
  readonly ignoreErrors: boolean;
  readonly notifiedBy: readonly Task[];
  readonly timeoutMs?: number | undefined;
  readonly runOnce: boolean;
  readonly barrier: boolean;
  readonly delegateTo?: string | ((ctx: TaskContext<any>) => string) | undefined;
  readonly loop?: readonly unknown[] | ((ctx: TaskContext<any>) => readonly unknown[]) | undefined;
  readonly label?: ((item: any) => string) | undefined;
  readonly retries?: number | undefined;
  readonly until?: ((r: TaskOutcome<any>) => boolean) | undefined;
  readonly delayMs?: number | undefined;
  readonly throttle?: number | undefined;
  /** Set by `block()`: the block this task belongs to. */
  readonly block?: BlockRef | undefined;
  /** Set by `block()`: the task handle this copy was made from (`ctx.result(handle)` and `notifiedBy` find it). */
  readonly origin?: Task | undefined;
  /** Phantom: the result type. */
  readonly __result?: R;
}

/** Deeply readonly (arrays too): what a `const` args literal is checked against. */
export type DeepReadonly<T> = T extends (...a: any[]) => any
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** A module's args (read from its phantom `__args`, so no conditional type hides literals). */
type ArgsIn<M extends AnyModule> = NonNullable<M['__args']>;

/** `A`, with every key that the module's args do not have turned into `never` (excess-key check). */
export type ExactArgs<A, T> = A & { readonly [K in Exclude<keyof A, keyof T>]: never };

/**
 * An args function's result is a `const` type parameter checked against the module's args, so
 * `(ctx) => ({ state: 'directory' })` keeps its literal type without `as const`, and a wrong
 * literal or an unknown key is still a compile error.
 */
export type ArgsFn<M extends AnyModule, A, V> = (ctx: TaskContext<V>) => ExactArgs<A, ArgsIn<M>>;

/**
 * Static args: plain data. (A function has `name`, `call` and `apply`, so without the `apply?: never`
 * a function would pass as the args of a module whose only required arg is `name`.)
 */
export type StaticArgs<M extends AnyModule> = ModuleArgs<M> & { readonly apply?: never };

/** A task: a module, its args (or a function of the host context) and options. */
export function task<M extends AnyModule, V = any>(
  module: M,
  args: StaticArgs<M>,
  opts?: TaskOptions<V, ModuleResult<M>>,
): Task<M, ModuleResult<M>>;
export function task<M extends AnyModule, const A extends DeepReadonly<ArgsIn<M>>, V = any>(
  module: M,
  args: ArgsFn<M, A, V>,
  opts?: TaskOptions<V, ModuleResult<M>>,
): Task<M, ModuleResult<M>>;
export function task(module: AnyModule, args: unknown, opts: TaskOptions = {}): Task {
  const name = opts.name ?? module.name;
  return {
    kind: 'tsplay-task',
    name,
    module,
    args: args as ArgsOf<AnyModule, any>,
    tags: opts.tags ?? [],
    when: opts.when as ((ctx: TaskContext<any>) => boolean) | undefined,
    become: opts.become,
    becomeUser: opts.becomeUser,
    becomeMethod: opts.becomeMethod,
    ignoreErrors: opts.ignoreErrors ?? false,
    notifiedBy: opts.notifiedBy ?? [],
    timeoutMs: opts.timeoutMs,
    runOnce: opts.runOnce ?? false,
    barrier: opts.barrier ?? false,
    delegateTo: opts.delegateTo as Task['delegateTo'],
    loop: opts.loop as Task['loop'],
    label: opts.label,
    retries: opts.retries,
    until: opts.until as Task['until'],
    delayMs: opts.delayMs,
    throttle: opts.throttle,
  };
}

/** `serial`: a batch size, a percentage of the play's hosts, or a list of them (the last one repeats). */
export type SerialSpec = number | `${number}%` | readonly (number | `${number}%`)[];

export interface Play {
  name: string;
  /** A group name, a host name, `all`, or several joined by `:`. */
  hosts: string;
  become?: boolean | string;
  /** The user its tasks become when become is on (a task's own wins). */
  becomeUser?: string;
  /** How its tasks become (a task's own wins); default: the host's, else sudo. */
  becomeMethod?: BecomeMethod;
  tasks: readonly Task[];
  /** Rolling batches: each batch runs the whole play before the next one starts. */
  serial?: SerialSpec;
  /** Stop the later batches when more than this percentage of a batch's hosts failed (0: any failure). */
  maxFailPercentage?: number;
  /**
   * `free` (the default): each host runs on through the tasks without waiting for the others, up to the
   * next task that is run once, delegated or a `barrier` (all hosts meet there); a task that reads another host's
   * result of an earlier task waits for that host. `linear`: every host finishes a task before any starts
   * the next (Ansible's default).
   */
  strategy?: 'free' | 'linear';
}

/**
 * Identity of this copy of @tsplay/core. The CLI accepts a playbook made by another copy when its
 * `protocol` is the same (the shapes of playbooks, tasks and modules it relies on).
 */
export const CORE_PROTOCOL = 1;
export const CORE_INSTANCE: { readonly module: '@tsplay/core'; readonly protocol: number } = Object.freeze({
  module: '@tsplay/core',
  protocol: CORE_PROTOCOL,
});

export interface Playbook<S extends z.ZodType = z.ZodType> {
  readonly kind: 'tsplay-playbook';
  /** The core copy that defined it (see CORE_INSTANCE). */
  readonly core: object;
  name: string;
  /** Schema of the vars each host gets (group vars + host vars + -e extra vars). */
  vars: S | undefined;
  plays: readonly Play[];
}

export interface PlaybookSpec<S extends z.ZodType> {
  name: string;
  vars?: S;
  plays: readonly Play[] | ((helpers: { task: TypedTask<z.output<S>> }) => readonly Play[]);
}

export interface TypedTask<V> {
  <M extends AnyModule>(module: M, args: StaticArgs<M>, opts?: TaskOptions<V, ModuleResult<M>>): Task<M, ModuleResult<M>>;
  <M extends AnyModule, const A extends DeepReadonly<ArgsIn<M>>>(
    module: M,
    args: ArgsFn<M, A, V>,
    opts?: TaskOptions<V, ModuleResult<M>>,
  ): Task<M, ModuleResult<M>>;
}

/** Define a playbook; with `vars`, tasks' arg functions see typed vars and the runner validates them per host. */
export function definePlaybook<S extends z.ZodType = z.ZodType<Record<string, unknown>>>(spec: PlaybookSpec<S>): Playbook<S> {
  const plays = typeof spec.plays === 'function' ? spec.plays({ task: task as TypedTask<z.output<S>> }) : spec.plays;
  return { kind: 'tsplay-playbook', core: CORE_INSTANCE, name: spec.name, vars: spec.vars, plays };
}

export function isPlaybook(v: unknown): v is Playbook {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'tsplay-playbook';
}

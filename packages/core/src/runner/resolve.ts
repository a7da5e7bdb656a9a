import { parseArgs } from '../args.js';
import { TsplayError } from '../errors.js';
import type { FactQuery } from '../facts.js';
import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import type { PlanContext } from '../module.js';
import type { TaskContext } from '../playbook.js';
import { makeContext, type ContextInput, type ContextTrace, type ResultLookup } from './context.js';
import type { HostTaskPlan, Invocation, PlannedTask, ResolvedTask } from './plan-types.js';

export interface ResolveInput {
  inventory: Inventory;
  host: ResolvedHost;
  vars: unknown;
  check: boolean;
  notified: boolean;
  play: ContextInput['play'];
  /** Local directory that relative workstation paths resolve against (the module's `PlanContext.baseDir`). */
  baseDir: string;
  /** Registered results (run time). Omitted at plan time: a function that reads one makes the task dynamic. */
  lookup?: ResultLookup | undefined;
  /** An earlier resolution of the same task on the same host (the prefetch's guess): equal raw args are not parsed again. */
  reuse?: ResolvedTask | undefined;
  file?: string | undefined;
  /** Where the functions' reads are recorded (the caller's, to read after a throw). */
  trace?: ContextTrace | undefined;
}

/** The workstation as a delegate (`delegateTo: 'localhost'`). */
export function localhostTarget(): ResolvedHost {
  return { name: 'localhost', address: '127.0.0.1', connection: 'local', hostKeyChecking: 'strict', groups: [], vars: {} };
}

/** The host a delegate name stands for: localhost, an inventory host, or undefined (cannot be reached). */
export function targetHost(inv: Inventory, name: string): ResolvedHost | undefined {
  return name === 'localhost' ? localhostTarget() : inv.hosts.find((h) => h.name === name);
}

/**
 * The one rule for become: the task's (else the play's), else the host the task runs on, else its own
 * host's, else off. When it is on, `user` (the task's, else the play's `becomeUser`) names the user.
 */
export function becomeLevel(
  own: boolean | string | undefined,
  target: ResolvedHost | undefined,
  host: ResolvedHost,
  user?: string,
): boolean | string {
  const level = own ?? target?.become ?? host.become ?? false;
  return level !== false && user !== undefined ? user : level;
}

/** The label of a loop item in events: its `label` function, its `name`, or the item as JSON. */
export function itemLabel(item: unknown, label: ((item: any) => string) | undefined): string {
  if (label) return label(item);
  if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string')
    return (item as { name: string }).name;
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/**
 * A task resolved for one host, once: delegateTo, loop, when and args evaluated (each function once),
 * args parsed by the module's schema, the effective become, the module's plan context and its fact
 * queries. The prefetch, the executor and the result events all read this one value. At plan time (no
 * `lookup`) a function that reads run-time state makes the task dynamic; a throw does too (it is
 * evaluated again, and reported, when the task runs). Pure: no I/O.
 */
export function resolveTask(pt: PlannedTask, input: ResolveInput): HostTaskPlan & { trace: ContextTrace } {
  const trace: ContextTrace = input.trace ?? { dynamic: false };
  const t = pt.task;
  const ctxFor = (item?: unknown): TaskContext<any> => makeContext({ ...input, item, trace });
  const where = { host: input.host.name, task: pt.id, ...(input.file ? { file: input.file } : {}) };
  const plan = !input.lookup;
  try {
    const delegateTo = typeof t.delegateTo === 'function' ? t.delegateTo(ctxFor()) : t.delegateTo;
    const items = typeof t.loop === 'function' ? t.loop(ctxFor()) : t.loop;
    if (items !== undefined && !Array.isArray(items))
      throw new TsplayError('ARGS_INVALID', 'loop must give a list of items', { ...where, field: 'loop' });
    const target = delegateTo === undefined ? input.host : targetHost(input.inventory, delegateTo);
    const become = becomeLevel(pt.become, target, input.host, pt.becomeUser);
    const ctx: PlanContext & { baseDir: string } = {
      host: target?.name ?? delegateTo ?? input.host.name,
      check: input.check,
      become,
      baseDir: input.baseDir,
      timeoutMs: t.timeoutMs,
    };
    const invocations: Invocation[] = [];
    for (const [i, item] of (items ?? [undefined]).entries()) {
      const c = ctxFor(item);
      const when = t.when ? t.when(c) : true;
      const raw = when ? (typeof t.args === 'function' ? t.args(c) : t.args) : undefined;
      if (trace.dynamic && plan) return { dynamic: true, trace };
      const label = items === undefined ? undefined : itemLabel(item, t.label);
      const id = label === undefined ? pt.id : `${pt.id} (${label})`;
      const base = { ...(items === undefined ? {} : { item, label }), task: id, raw, when };
      if (!when) {
        invocations.push({ ...base, args: undefined, facts: {} });
        continue;
      }
      const prior = input.reuse?.invocations[i];
      const args = prior?.when && sameValue(prior.raw, raw) ? prior.args : parseArgs(t.module, raw, { ...where, task: id });
      invocations.push({ ...base, args, ...factsOf(pt, args, ctx) });
    }
    if (trace.dynamic && plan) return { dynamic: true, trace };
    const method = pt.becomeMethod !== undefined ? { becomeMethod: pt.becomeMethod } : {};
    return { dynamic: false, ...(delegateTo !== undefined ? { delegateTo } : {}), become, ...method, ctx, invocations, trace };
  } catch (e) {
    if (plan && (trace.dynamic || !(e instanceof TsplayError && e.code === 'ARGS_INVALID'))) return { dynamic: true, trace };
    throw e;
  }
}

/** The module's fact queries for these args (pure); a module that cannot list them yet fails when its task runs. */
function factsOf(pt: PlannedTask, args: unknown, ctx: PlanContext): Pick<Invocation, 'facts' | 'factsError'> {
  try {
    return { facts: pt.task.module.facts(args, ctx) as Record<string, FactQuery> };
  } catch (e) {
    return { facts: {}, factsError: e };
  }
}

/** Structural equality of two args values (plain data); other objects (Secrets, functions) by identity. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const plain = (o: object) => Object.getPrototypeOf(o) === Object.prototype || Object.getPrototypeOf(o) === null;
  if (!plain(a) || !plain(b) || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

import { parseArgs } from '../execute.js';
import { TsplayError } from '../errors.js';
import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import type { TaskContext } from '../playbook.js';
import { makeContext, type ContextInput, type ContextTrace, type ResultLookup } from './context.js';
import type { HostTaskPlan, Invocation, PlannedTask } from './plan-types.js';

export interface EvalInput {
  inventory: Inventory;
  host: ResolvedHost;
  vars: unknown;
  check: boolean;
  notified: boolean;
  play: ContextInput['play'];
  lookup?: ResultLookup | undefined;
  file?: string | undefined;
}

/** The label of a loop item in events: its `label` function, its `name`, or the item as JSON. */
export function itemLabel(item: unknown, label: ((item: any) => string) | undefined): string {
  if (label) return label(item);
  if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') return (item as { name: string }).name;
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/**
 * Evaluate a task's delegateTo, loop, when and args for one host, each function once. At plan time
 * (no `lookup`) a function that reads run-time state makes the task dynamic; a throw does too (it is
 * evaluated again, and reported, when the task runs). Static args are validated here.
 */
export function evaluateTask(pt: PlannedTask, input: EvalInput): HostTaskPlan & { trace: ContextTrace } {
  const trace: ContextTrace = { dynamic: false };
  const t = pt.task;
  const ctxFor = (item?: unknown): TaskContext<any> => makeContext({ ...input, item, trace });
  const where = { host: input.host.name, task: pt.id, ...(input.file ? { file: input.file } : {}) };
  let items: readonly unknown[] | undefined;
  let delegateTo: string | undefined;
  const invocations: Invocation[] = [];
  try {
    delegateTo = typeof t.delegateTo === 'function' ? t.delegateTo(ctxFor()) : t.delegateTo;
    items = typeof t.loop === 'function' ? t.loop(ctxFor()) : t.loop;
    if (items !== undefined && !Array.isArray(items)) throw new TsplayError('ARGS_INVALID', 'loop must give a list of items', { ...where, field: 'loop' });
    for (const item of items ?? [undefined]) {
      const ctx = ctxFor(item);
      const when = t.when ? t.when(ctx) : true;
      const raw = when ? (typeof t.args === 'function' ? t.args(ctx) : t.args) : undefined;
      if (trace.dynamic && !input.lookup) return { dynamic: true, trace };
      const label = items === undefined ? undefined : itemLabel(item, t.label);
      invocations.push({ ...(items === undefined ? {} : { item, label }), raw, args: when ? parseArgs(t.module, raw, label === undefined ? where : { ...where, task: `${pt.id} (${label})` }) : undefined, when });
    }
  } catch (e) {
    if (!input.lookup && (trace.dynamic || !(e instanceof TsplayError && e.code === 'ARGS_INVALID'))) return { dynamic: true, trace };
    throw e;
  }
  if (trace.dynamic && !input.lookup) return { dynamic: true, trace };
  return { dynamic: false, ...(delegateTo !== undefined ? { delegateTo } : {}), invocations, trace };
}

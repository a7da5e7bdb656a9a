import { defineModule, task, type Task, type TaskContext, type TaskOptions } from '../kit/index.js';
import { systemdArgs, type SystemdArgsInput } from './args.js';
import { applySystemd } from './apply.js';
import { systemdStep } from './step.js';
import { systemdFacts, unitName } from './facts.js';
import { planSystemd, type SystemdResult } from './plan.js';

/**
 * systemd units: daemon-reload (only when systemd has not loaded the current unit file),
 * enabled, state, and restart-on-notify. Starts never block on peers: `--no-block`, then a
 * bounded wait (see README).
 */
export const systemd = defineModule({
  name: 'systemd',
  args: systemdArgs.describe('A systemd unit: daemon-reload, enabled, started/stopped/restarted/reloaded'),
  facts: (args) => systemdFacts(unitName(args.name)),
  plan: (facts, args, ctx) => planSystemd(facts, args, ctx),
  apply: applySystemd,
  // a plan that does not wait for a start (enable, stop, reload...) may run in one exec with its neighbours' steps
  step: (ctx, args, plan) => systemdStep(ctx, args, plan),
  resultFromPlan: (plan): SystemdResult | undefined =>
    plan.data
      ? { unit: plan.data.unit, actions: plan.data.actions, active: plan.data.after.active, enabled: plan.data.after.enabled }
      : undefined,
});

export type SystemdServiceArgs = Omit<SystemdArgsInput, 'restart'>;

export interface SystemdServiceOptions<V> extends TaskOptions<V> {
  /** Restart the unit when one of these tasks changed on the host (durable, via `notifiedBy`). */
  restartWhen?: readonly Task[];
}

/**
 * Sugar for the handler pattern:
 * `task(systemd, (ctx) => ({ ...args, restart: ctx.notified }), { notifiedBy: restartWhen })`.
 */
export function systemdService<V = any>(
  args: SystemdServiceArgs | ((ctx: TaskContext<V>) => SystemdServiceArgs),
  opts: SystemdServiceOptions<V> = {},
): Task<typeof systemd, SystemdResult> {
  const { restartWhen = [], notifiedBy = [], ...rest } = opts;
  return task(systemd, (ctx: TaskContext<V>) => ({ ...(typeof args === 'function' ? args(ctx) : args), restart: ctx.notified }), {
    name: rest.name ?? `systemd ${typeof args === 'function' ? 'service' : args.name}`,
    ...rest,
    notifiedBy: [...notifiedBy, ...restartWhen],
  });
}

export { systemdArgs, unitName };
export type { SystemdArgsInput, SystemdResult };
export type { SystemdArgs } from './args.js';
export type { SystemdAction, SystemdPlanData, UnitView } from './plan.js';

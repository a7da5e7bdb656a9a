import { randomBytes } from 'node:crypto';
import { sh, TsplayError, type ApplyResult, type ApplyStep, type ExecResult, type Plan, type StepContext } from '../kit/index.js';
import type { SystemdArgs } from './args.js';
import type { SystemdAction, SystemdPlanData, SystemdResult } from './plan.js';

function command(unit: string, a: SystemdAction, noBlock: boolean): string {
  if (a === 'daemon-reload') return 'systemctl daemon-reload';
  if (a === 'enable' || a === 'disable') return sh`systemctl ${a} --no-reload ${unit}`;
  if (noBlock && (a === 'start' || a === 'restart')) return sh`systemctl ${a} --no-block ${unit}`;
  return sh`systemctl ${a} ${unit}`;
}

/**
 * The commands for the planned actions, joined with `&&`. `systemctl enable`/`disable` reload the whole daemon
 * by themselves (0.3-0.5 s on the lab, most of the exec): they run with `--no-reload`, and exactly one
 * daemon-reload follows them, so that systemd's view (UnitFileState, the target's Wants=) is the one on disk when
 * the task ends. Where the plan has a daemon-reload (systemd holds a stale unit file) it stays first, before any
 * start; else it runs after the start/stop, so that a unit starts while systemd reloads instead of after it.
 */
export function actionScript(unit: string, actions: readonly SystemdAction[], noBlock: boolean): string {
  const links = actions.filter((a) => a === 'enable' || a === 'disable');
  const rest = actions.filter((a) => a !== 'enable' && a !== 'disable');
  const reload = links.length > 0 && !rest.includes('daemon-reload') ? ['daemon-reload' as const] : [];
  return [...links, ...rest, ...reload].map((a) => command(unit, a, noBlock)).join(' && ');
}

/** A start or restart queued with `--no-block`: the task waits for the unit (see wait.ts), which a step cannot. */
export const waits = (args: SystemdArgs, actions: readonly SystemdAction[]): boolean =>
  args.noBlock && (actions.includes('start') || actions.includes('restart'));

export function hint(unit: string): string {
  return `look at \`journalctl -u ${unit}\` and \`systemctl status ${unit}\` on the host; a Type=notify unit that waits for peers (etcd) needs its peers started too`;
}

/** The journal tail as error messages show it ('' when there is none). */
export const tailText = (unit: string, text: string | undefined): string =>
  text?.trim() ? `\n--- journalctl -u ${unit} -n 20 ---\n${text.trim()}` : '';

/**
 * The apply of a plan that does not wait, as one script: the actions and, when one fails, the unit's journal
 * tail after a nonce line (no exec of its own for it), exiting with the action's code. Undefined for a plan
 * that waits for a start: its wait runs in chunks of execs, interruptible between them (see applySystemd).
 */
export function systemdStep(
  ctx: Pick<StepContext, 'host' | 'task'>,
  args: SystemdArgs,
  plan: Plan<SystemdPlanData>,
): ApplyStep<SystemdResult> | undefined {
  const data = plan.data;
  if (!data || waits(args, data.actions)) return undefined;
  const { unit, actions } = data;
  const mark = `__tsplay_journal_${randomBytes(6).toString('hex')}`;
  const journal = sh`journalctl -u ${unit} -n 20 --no-pager 2>&1`;
  const script = `${actionScript(unit, actions, args.noBlock)} || { __c=$?; ${sh`printf '%s\\n' ${mark}`}; ${journal}; exit $__c; }`;
  const done = (r: ExecResult): ApplyResult<SystemdResult> => {
    const i = r.stdout.indexOf(`${mark}\n`);
    const tail = tailText(unit, i < 0 ? undefined : r.stdout.slice(i + mark.length + 1));
    const where = { host: ctx.host, task: ctx.task, hint: hint(unit) };
    if (r.timedOut)
      throw new TsplayError(
        'SERVICE_TIMEOUT',
        `${actions.join(', ')} ${unit} did not finish within ${args.waitTimeoutMs} ms${tail}`,
        where,
      );
    if (r.code !== 0)
      throw new TsplayError('SERVICE_FAILED', `${actions.join(', ')} ${unit} failed: ${r.stderr.trim() || `exit ${r.code}`}${tail}`, where);
    return { changed: true, data: { unit, actions, active: data.after.active, enabled: data.after.enabled, note: undefined } };
  };
  return { script, timeoutMs: args.waitTimeoutMs + 30_000, done };
}

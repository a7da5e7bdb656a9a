import { randomBytes } from 'node:crypto';
import { sh, TsplayError, type ApplyContext, type ApplyResult, type ExecResult, type Plan } from '../kit/index.js';
import type { SystemdArgs } from './args.js';
import type { SystemdAction, SystemdPlanData, SystemdResult } from './plan.js';
import { afterMark, chunkPolls, judge, parseWaitState, pollScript, startAndPollScript, type Verdict } from './wait.js';

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

export async function applySystemd(ctx: ApplyContext, args: SystemdArgs, plan: Plan<SystemdPlanData>): Promise<ApplyResult<SystemdResult>> {
  const data = plan.data;
  if (!data) throw new TsplayError('INTERNAL', 'systemd plan without data', { host: ctx.host, task: ctx.task });
  const { unit, actions } = data;
  const where = { host: ctx.host, task: ctx.task };
  const waits = args.noBlock && (actions.includes('start') || actions.includes('restart'));
  // the wait's first chunk runs in the same exec, after the actions: a unit that settles in it costs no more execs
  const t0 = Date.now();
  const mark = `__tsplay_wait_${randomBytes(6).toString('hex')}`;
  const first = pollScript(unit, chunkPolls(policy(args), 0).polls, args.pollIntervalMs);
  const actionsScript = actionScript(unit, actions, args.noBlock);
  const script = waits ? startAndPollScript(actionsScript, first, mark) : actionsScript;
  const r = await ctx.conn.exec(script, { become: ctx.become, timeoutMs: args.waitTimeoutMs + 30_000 });
  if (r.timedOut) {
    throw new TsplayError(
      'SERVICE_TIMEOUT',
      `${actions.join(', ')} ${unit} did not finish within ${args.waitTimeoutMs} ms${await journalTail(ctx, unit)}`,
      { ...where, hint: hint(unit) },
    );
  }
  const polled = waits ? afterMark(r.stdout, mark) : undefined;
  if (polled === undefined && r.code !== 0) {
    throw new TsplayError(
      'SERVICE_FAILED',
      `${actions.join(', ')} ${unit} failed: ${r.stderr.trim() || `exit ${r.code}`}${await journalTail(ctx, unit)}`,
      { ...where, hint: hint(unit) },
    );
  }
  let note: string | undefined;
  let active = data.after.active;
  if (waits) {
    const v = await waitForUnit(ctx, unit, args, t0, { ...r, stdout: polled ?? '' });
    if (v.kind === 'failed' || v.kind === 'timeout') {
      const code = v.kind === 'failed' ? 'SERVICE_FAILED' : 'SERVICE_TIMEOUT';
      throw new TsplayError(code, `${unit} did not become active: ${v.why}${await journalTail(ctx, unit)}`, { ...where, hint: hint(unit) });
    }
    if (v.kind === 'ready-pending') {
      note = `${unit} ${v.why}`;
      active = 'activating';
      ctx.log(note);
    }
  }
  return { changed: true, data: { unit, actions, active, enabled: data.after.enabled, note } };
}

const policy = (args: SystemdArgs) => ({
  timeoutMs: args.waitTimeoutMs,
  notifyGraceMs: args.notifyGraceMs,
  intervalMs: args.pollIntervalMs,
});

/**
 * Polls until the unit is active, failed, or the policy says stop; never blocks on other hosts. `t0`: when the
 * wait began; `first`: a poll chunk already run (in the start's own exec), judged before any exec of its own.
 */
export async function waitForUnit(
  ctx: ApplyContext,
  unit: string,
  args: SystemdArgs,
  t0 = Date.now(),
  first?: ExecResult,
): Promise<Verdict> {
  let r = first;
  for (;;) {
    if (r) {
      if (r.code !== 0 && !r.stdout.includes('ActiveState=')) {
        throw new TsplayError('SERVICE_FAILED', `could not read the state of ${unit}: ${r.stderr.trim() || `exit ${r.code}`}`, {
          host: ctx.host,
          task: ctx.task,
        });
      }
      const v = judge(parseWaitState(r.stdout), Date.now() - t0, policy(args));
      if (v.kind !== 'wait') return v;
    }
    if (ctx.signal.aborted)
      throw new TsplayError('INTERRUPTED', `interrupted while waiting for ${unit}`, { host: ctx.host, task: ctx.task });
    const { polls, budgetMs } = chunkPolls(policy(args), Date.now() - t0);
    r = await ctx.conn.exec(pollScript(unit, polls, args.pollIntervalMs), { become: ctx.become, timeoutMs: budgetMs + 30_000 });
  }
}

/** The last lines of the unit's journal, for error messages. */
export async function journalTail(ctx: Pick<ApplyContext, 'conn' | 'become'>, unit: string): Promise<string> {
  const r = await ctx.conn
    .exec(sh`journalctl -u ${unit} -n 20 --no-pager 2>&1`, { become: ctx.become, timeoutMs: 15_000 })
    .catch(() => undefined);
  const text = r?.stdout.trim();
  return text ? `\n--- journalctl -u ${unit} -n 20 ---\n${text}` : '';
}

function hint(unit: string): string {
  return `look at \`journalctl -u ${unit}\` and \`systemctl status ${unit}\` on the host; a Type=notify unit that waits for peers (etcd) needs its peers started too`;
}

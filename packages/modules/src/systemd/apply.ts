import { randomBytes } from 'node:crypto';
import { sh, TsplayError, type ApplyContext, type ApplyResult, type ExecResult, type Plan } from '../kit/index.js';
import type { SystemdArgs } from './args.js';
import type { SystemdPlanData, SystemdResult } from './plan.js';
import { actionScript, hint, systemdStep, tailText } from './step.js';
import { afterMark, chunkPolls, judge, parseWaitState, pollScript, startAndPollScript, type Verdict } from './wait.js';

export async function applySystemd(ctx: ApplyContext, args: SystemdArgs, plan: Plan<SystemdPlanData>): Promise<ApplyResult<SystemdResult>> {
  const data = plan.data;
  if (!data) throw new TsplayError('INTERNAL', 'systemd plan without data', { host: ctx.host, task: ctx.task });
  const { unit, actions } = data;
  const where = { host: ctx.host, task: ctx.task };
  const step = systemdStep(ctx, args, plan);
  if (step) {
    // no wait: the step's one exec (its journal tail included when an action fails)
    const r = await ctx.conn.exec(step.script, { become: ctx.become, timeoutMs: step.timeoutMs });
    if (r.timedOut) throw timeout(actions, unit, args, where, await journalTail(ctx, unit));
    return step.done(r);
  }
  // the wait's first chunk runs in the same exec, after the actions: a unit that settles in it costs no more execs
  const t0 = Date.now();
  const mark = `__tsplay_wait_${randomBytes(6).toString('hex')}`;
  const first = pollScript(unit, chunkPolls(policy(args), 0).polls, args.pollIntervalMs);
  const script = startAndPollScript(actionScript(unit, actions, args.noBlock), first, mark);
  const r = await ctx.conn.exec(script, { become: ctx.become, timeoutMs: args.waitTimeoutMs + 30_000 });
  if (r.timedOut) throw timeout(actions, unit, args, where, await journalTail(ctx, unit));
  const polled = afterMark(r.stdout, mark);
  if (polled === undefined && r.code !== 0) {
    throw new TsplayError(
      'SERVICE_FAILED',
      `${actions.join(', ')} ${unit} failed: ${r.stderr.trim() || `exit ${r.code}`}${await journalTail(ctx, unit)}`,
      { ...where, hint: hint(unit) },
    );
  }
  let note: string | undefined;
  let active = data.after.active;
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
  return tailText(unit, r?.stdout);
}

/** The actions' exec outran its time limit. */
function timeout(actions: readonly string[], unit: string, args: SystemdArgs, where: { host: string; task: string }, tail: string) {
  return new TsplayError('SERVICE_TIMEOUT', `${actions.join(', ')} ${unit} did not finish within ${args.waitTimeoutMs} ms${tail}`, {
    ...where,
    hint: hint(unit),
  });
}

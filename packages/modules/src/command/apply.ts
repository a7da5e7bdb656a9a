import { TsplayError, type ApplyContext, type ApplyResult } from '../kit/index.js';
import { sleep } from '../common/sleep.js';
import type { CommandResult, ParsedCommandArgs } from './args.js';
import { commandLine } from './line.js';
import { runFailed } from './plan.js';

/** Run the command (with retries/until), then decide changed/failed with the predicates. */
export async function applyCommand(ctx: ApplyContext, a: ParsedCommandArgs): Promise<ApplyResult<CommandResult>> {
  const line = commandLine(a);
  let r: CommandResult = { code: -1, stdout: '', stderr: '' };
  let failed = true;
  let timedOut = false;
  for (let attempt = 0; attempt <= a.retries; attempt++) {
    if (attempt > 0) {
      ctx.log(`retry ${attempt}/${a.retries} in ${a.delayMs} ms`);
      await sleep(a.delayMs, ctx.signal);
      if (ctx.signal.aborted) break;
    }
    const res = await ctx.conn.exec(line, { become: ctx.become, cwd: a.chdir, env: a.env, stdin: a.stdin, timeoutMs: a.timeoutMs });
    r = { code: res.code, stdout: res.stdout, stderr: res.stderr };
    timedOut = res.timedOut === true;
    failed = timedOut || runFailed(a, r);
    const done = a.until ? !failed && a.until(r) : !failed;
    if (done) break;
    if (a.until && !failed) failed = true;
  }
  if (failed && timedOut) {
    throw new TsplayError(
      'COMMAND_TIMEOUT',
      `command timed out${a.timeoutMs !== undefined ? ` after ${a.timeoutMs} ms` : ''} and was killed: ${line}`,
      {
        host: ctx.host,
        field: 'timeoutMs',
        hint: 'raise timeoutMs, or make the command finish sooner',
      },
    );
  }
  const changed = failed ? false : a.changedWhen ? a.changedWhen(r) : !a.readOnly;
  const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-5).join('\n');
  return {
    changed,
    failed,
    msg: failed
      ? `command failed (exit ${r.code}${a.until ? ', until condition not met' : ''}): ${line}${tail ? `\n${tail}` : ''}`
      : undefined,
    data: r,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

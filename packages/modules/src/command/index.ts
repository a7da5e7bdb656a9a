import { argv as shArgv, defineModule, pathFact, TsplayError, type FactQuery, type PathState } from '@tsplay/core';
import { commandArgs, type CommandResult, type ParsedCommandArgs } from './args.js';

export type { CommandArgs, CommandResult } from './args.js';

export function commandLine(a: ParsedCommandArgs): string {
  return a.argv ? shArgv(a.argv) : (a.cmd as string);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Run a command (argv or shell form). Not idempotent by itself: use `creates`/`removes`, or mark
 * probes `readOnly` (they run in check mode too and never count as changes).
 */
export const command = defineModule({
  name: 'command',
  args: commandArgs,
  facts: (a) => {
    const f: Record<string, FactQuery<PathState>> = {};
    if (a.creates) f.creates = pathFact(a.creates);
    if (a.removes) f.removes = pathFact(a.removes);
    return f;
  },
  plan: (facts, a) => {
    const line = commandLine(a);
    if (a.creates && facts.creates?.exists) return { changed: false, skipped: `${a.creates} exists` };
    if (a.removes && facts.removes && !facts.removes.exists) return { changed: false, skipped: `${a.removes} does not exist` };
    if (a.readOnly) return { changed: false, run: true, summary: `probe: ${line}` };
    // What a command makes cannot be predicted: `creates`/`removes` are unknown to later tasks in check mode.
    const unknown = [a.creates, a.removes].filter((p): p is string => p !== undefined);
    return { changed: true, run: true, summary: `would run: ${line}`, predict: { unknown } };
  },
  readOnly: (a) => a.readOnly,
  apply: async (ctx, a) => {
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
      failed = timedOut || (a.failedWhen ? a.failedWhen(r) : r.code !== 0);
      const done = a.until ? !failed && a.until(r) : !failed;
      if (done) break;
      if (a.until && !failed) failed = true;
    }
    if (failed && timedOut) {
      throw new TsplayError('COMMAND_TIMEOUT', `command timed out${a.timeoutMs !== undefined ? ` after ${a.timeoutMs} ms` : ''} and was killed: ${line}`, {
        host: ctx.host,
        field: 'timeoutMs',
        hint: 'raise timeoutMs, or make the command finish sooner',
      });
    }
    const changed = failed ? false : a.changedWhen ? a.changedWhen(r) : !a.readOnly;
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-5).join('\n');
    return {
      changed,
      failed,
      msg: failed ? `command failed (exit ${r.code}${a.until ? ', until condition not met' : ''}): ${line}${tail ? `\n${tail}` : ''}` : undefined,
      data: r,
      stdout: r.stdout,
      stderr: r.stderr,
    };
  },
});

/** Small apply-side helpers of the day-2 tasks: a command as root, and a retry until a deadline that ends in a coded error. */
import { TsplayError, type ApplyContext, type ErrorCode } from '@tsplay/core';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function runRoot(ctx: ApplyContext, cmd: string): Promise<Ran> {
  return ctx.conn.exec(cmd, { become: true, timeoutMs: 30_000 });
}

/** The last line etcdctl printed on stderr, or the exit code. */
export const lastError = (r: Ran): string => r.stderr.trim().split('\n').pop() || `exit ${r.code}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry `step` every 250 ms until it returns a value that is not a string (a string says why not yet). */
export async function retryUntil<T>(
  ctx: ApplyContext,
  code: ErrorCode,
  what: string,
  deadline: number,
  step: () => Promise<T | string>,
  hint: string,
): Promise<T> {
  for (;;) {
    const r = await step();
    if (typeof r !== 'string') return r;
    if (Date.now() > deadline || ctx.signal.aborted) throw new TsplayError(code, `${what}: ${r}`, { host: ctx.host, task: ctx.task, hint });
    await sleep(250);
  }
}

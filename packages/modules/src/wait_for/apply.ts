import { TsplayError, type ApplyContext, type ApplyResult, type Plan } from '../kit/index.js';
import { sleep } from '../common/sleep.js';
import type { WaitForOptions } from './args.js';
import type { WaitForPlanData } from './plan.js';

export interface WaitForResult {
  /** How long the condition took to hold. */
  elapsedMs: number;
  attempts: number;
}

/** Poll the condition until it holds, the timeout passes (WAIT_TIMEOUT) or the run is interrupted. */
export async function applyWaitFor(ctx: ApplyContext, a: WaitForOptions, plan: Plan<WaitForPlanData>): Promise<ApplyResult<WaitForResult>> {
  const d = plan.data as WaitForPlanData;
  const start = Date.now();
  for (let attempts = 1; ; attempts++) {
    const r = await ctx.conn.exec(d.check, { become: ctx.become, timeoutMs: Math.min(a.timeoutMs, 30_000) });
    if (r.code === 0) return { changed: false, data: { elapsedMs: Date.now() - start, attempts } };
    if (Date.now() - start + a.intervalMs > a.timeoutMs || ctx.signal.aborted) {
      throw new TsplayError('WAIT_TIMEOUT', `timed out after ${a.timeoutMs} ms waiting for ${d.what}`, {
        host: ctx.host,
        field: 'timeoutMs',
        hint: 'raise timeoutMs, or check why the condition never holds',
      });
    }
    await sleep(a.intervalMs, ctx.signal);
  }
}

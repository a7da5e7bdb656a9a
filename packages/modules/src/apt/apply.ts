import { TsplayError, type ApplyContext, type ApplyResult, type Plan } from '../kit/index.js';
import type { AptOptions } from './args.js';
import type { AptChange } from './facts.js';
import type { AptPlanData } from './plan.js';

export interface AptResult {
  changes: AptChange[];
  cacheUpdated: boolean;
}

const ENV = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };

async function aptRun(ctx: ApplyContext, cmd: string, what: string): Promise<void> {
  const r = await ctx.conn.exec(cmd, { become: ctx.become, env: ENV, timeoutMs: 900_000 });
  if (r.code !== 0) {
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-6).join('\n');
    throw new TsplayError('APT_FAILED', `${what} failed (exit ${r.code}): ${tail}`, { host: ctx.host, hint: `the command was: ${cmd}` });
  }
}

/** `apt-get update` when due, then the install/remove the plan simulated. */
export async function applyApt(ctx: ApplyContext, _a: AptOptions, plan: Plan<AptPlanData>): Promise<ApplyResult<AptResult>> {
  const d = plan.data as AptPlanData;
  if (d.update) await aptRun(ctx, 'apt-get update -q', 'apt-get update');
  if (d.command) await aptRun(ctx, d.command, d.command);
  return { changed: d.command !== undefined, data: { changes: d.changes, cacheUpdated: d.update } };
}

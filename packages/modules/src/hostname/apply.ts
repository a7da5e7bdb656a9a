import { applyTextFile, sh, TsplayError, type ApplyContext, type ApplyResult, type Plan } from '../kit/index.js';
import type { HostnameOptions } from './args.js';
import { hostnameTarget, type HostnamePlanData } from './plan.js';

/** Write /etc/hostname (atomically), then set the running name. */
export async function applyHostname(
  ctx: ApplyContext,
  a: HostnameOptions,
  plan: Plan<HostnamePlanData>,
): Promise<ApplyResult<{ name: string }>> {
  if (plan.data?.content) await applyTextFile(ctx, hostnameTarget, { ...plan, data: plan.data.content });
  if (plan.data?.setLive) {
    const r = await ctx.conn.exec(sh`hostname ${a.name}`, { become: ctx.become });
    if (r.code !== 0) {
      throw new TsplayError('HOSTNAME_FAILED', `could not set the host name: ${r.stderr.trim() || `exit ${r.code}`}`, {
        host: ctx.host,
        field: 'live',
        hint: '/etc/hostname was written; set live: false where the running name cannot be changed',
      });
    }
  }
  return { data: { name: a.name } };
}

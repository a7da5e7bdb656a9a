import { argv, TsplayError, type ApplyContext, type ApplyResult, type Plan } from '@tsplay/core';
import { ownerSpec } from '../common/attrs.js';
import { applyTextFile } from '../kit/text-file.js';
import { keysPath, type AuthorizedKeyOptions } from './args.js';
import { keysTarget, type AuthorizedKeyPlanData } from './plan.js';

/** Create ~/.ssh (0700) when missing, then write authorized_keys atomically (0600, owned by the user). */
export async function applyAuthorizedKey(ctx: ApplyContext, a: AuthorizedKeyOptions, plan: Plan<AuthorizedKeyPlanData>): Promise<ApplyResult<{ path: string }>> {
  const d = plan.data;
  if (!d) return { data: { path: keysPath(a) } };
  if (d.mkdir) {
    const m = d.mkdir;
    const r = await ctx.conn.exec(`${argv(['mkdir', '-m', '0700', '--', m.path])} && ${argv(['chown', '--', ownerSpec(m.owner, m.group), m.path])}`, { become: ctx.become });
    if (r.code !== 0) throw new TsplayError('WRITE_FAILED', `could not create ${m.path}: ${r.stderr.trim()}`, { host: ctx.host, field: 'path' });
  }
  await applyTextFile(ctx, keysTarget(a, d.content.attrs.group ?? a.user), { ...plan, data: d.content });
  return { data: { path: keysPath(a) } };
}

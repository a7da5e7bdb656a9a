import {
  applyTextFile,
  safeMkdirScript,
  safeWriteRefusal,
  TsplayError,
  type ApplyContext,
  type ApplyResult,
  type Plan,
} from '../kit/index.js';
import { keysPath, type AuthorizedKeyOptions } from './args.js';
import { keysTarget, type AuthorizedKeyPlanData } from './plan.js';

/** Create ~/.ssh (0700) when missing, then write authorized_keys atomically (0600, owned by the user). */
export async function applyAuthorizedKey(
  ctx: ApplyContext,
  a: AuthorizedKeyOptions,
  plan: Plan<AuthorizedKeyPlanData>,
): Promise<ApplyResult<{ path: string }>> {
  const d = plan.data;
  if (!d) return { data: { path: keysPath(a) } };
  if (d.mkdir) {
    const m = d.mkdir;
    // Through the safe mkdir: in a home the user owns, made as that user; never a chown by path a user can swap.
    const r = await ctx.conn.exec(safeMkdirScript({ path: m.path, owner: m.owner, group: m.group, mode: 0o700 }), { become: ctx.become });
    const refused = safeWriteRefusal(r, m.path);
    if (refused) throw refused.withContext({ host: ctx.host });
    if (r.code !== 0)
      throw new TsplayError('WRITE_FAILED', `could not create ${m.path}: ${r.stderr.trim()}`, { host: ctx.host, field: 'path' });
  }
  await applyTextFile(ctx, keysTarget(a, d.content.attrs.group ?? a.user), { ...plan, data: d.content });
  return { data: { path: keysPath(a) } };
}

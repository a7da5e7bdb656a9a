import { applyTextFile, sh, TsplayError, type ApplyContext, type ApplyResult, type Plan } from '../kit/index.js';
import type { SysctlOptions } from './args.js';
import { sysctlTarget, type SysctlPlanData } from './plan.js';

export interface SysctlResult {
  name: string;
  value: string | undefined;
  file: string;
}

/** Write the file (atomically), then load it with `sysctl -p FILE`. */
export async function applySysctl(ctx: ApplyContext, a: SysctlOptions, plan: Plan<SysctlPlanData>): Promise<ApplyResult<SysctlResult>> {
  const d = plan.data;
  if (d?.content) await applyTextFile(ctx, sysctlTarget(a), { ...plan, data: d.content });
  if (d?.reload) {
    const r = await ctx.conn.exec(sh`sysctl -p ${a.file}`, { become: ctx.become });
    if (r.code !== 0) {
      throw new TsplayError('SYSCTL_FAILED', `sysctl -p ${a.file} failed: ${r.stderr.trim() || `exit ${r.code}`}`, {
        host: ctx.host,
        field: 'reload',
        hint: 'the file was written; where the kernel refuses the value (a container), set reload: false to manage only the file',
      });
    }
  }
  return { data: { name: a.name, value: a.value, file: a.file } };
}

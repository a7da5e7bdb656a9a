import { applyContent, type ApplyContext, type ApplyResult, type ContentPlanData, type ContentResult, type Plan } from '../kit/index.js';
import type { CopyOptions } from './args.js';

export interface CopyResult extends ContentResult {
  /** sha256 of dest after the task (undefined in check mode when it cannot be known). */
  sha256: string | undefined;
}

export async function applyCopy(ctx: ApplyContext, args: CopyOptions, plan: Plan<ContentPlanData>): Promise<ApplyResult<CopyResult>> {
  const r = await applyContent(ctx, args, plan);
  return { data: { ...r, sha256: plan.data?.sha256 } };
}

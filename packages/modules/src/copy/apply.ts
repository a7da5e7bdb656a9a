import type { ApplyContext, ApplyResult, Plan } from '@tsplay/core';
import { applyContent, type ContentResult } from '../common/content-apply.js';
import type { ContentPlanData } from '../common/content-plan.js';
import type { CopyOptions } from './args.js';

export interface CopyResult extends ContentResult {
  /** sha256 of dest after the task (undefined in check mode when it cannot be known). */
  sha256: string | undefined;
}

export async function applyCopy(ctx: ApplyContext, args: CopyOptions, plan: Plan<ContentPlanData>): Promise<ApplyResult<CopyResult>> {
  const r = await applyContent(ctx, args, plan);
  return { data: { ...r, sha256: plan.data?.sha256 } };
}

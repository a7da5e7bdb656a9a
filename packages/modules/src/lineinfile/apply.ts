import type { ApplyContext, ApplyResult, Plan } from '@tsplay/core';
import type { ContentResult } from '../common/content-apply.js';
import type { ContentPlanData } from '../common/content-plan.js';
import { applyTextFile } from '../kit/text-file.js';
import type { LineinfileOptions } from './args.js';
import { lineinfileTarget } from './facts.js';

/** Write the planned text (the kit: temp file, fsync, rename; validated first when asked). */
export async function applyLineinfile(ctx: ApplyContext, a: LineinfileOptions, plan: Plan<ContentPlanData>): Promise<ApplyResult<ContentResult>> {
  return { data: await applyTextFile(ctx, lineinfileTarget(a), plan) };
}

import type { ApplyContext, ApplyResult, Plan } from '@tsplay/core';
import type { ContentResult } from '../common/content-apply.js';
import type { ContentPlanData } from '../common/content-plan.js';
import { applyTextFile } from '../kit/text-file.js';
import type { BlockinfileOptions } from './args.js';
import { blockinfileTarget } from './facts.js';

/** Write the planned text (the kit: temp file, fsync, rename; validated first when asked). */
export async function applyBlockinfile(ctx: ApplyContext, a: BlockinfileOptions, plan: Plan<ContentPlanData>): Promise<ApplyResult<ContentResult>> {
  return { data: await applyTextFile(ctx, blockinfileTarget(a), plan) };
}

import { applyContent, type ApplyContext, type ApplyResult, type ContentPlanData, type ContentResult, type Plan } from '../kit/index.js';
import type { TemplateOptions } from './args.js';

export interface TemplateResult extends ContentResult {
  sha256: string | undefined;
}

/** Writes the rendered text (validated first when asked) atomically. */
export async function applyTemplate(
  ctx: ApplyContext,
  args: TemplateOptions,
  plan: Plan<ContentPlanData>,
): Promise<ApplyResult<TemplateResult>> {
  const r = await applyContent(ctx, args, plan);
  return { data: { ...r, sha256: plan.data?.sha256 } };
}

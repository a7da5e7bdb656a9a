import {
  applyContent,
  contentStep,
  type ApplyContext,
  type ApplyStep,
  type StepContext,
  type ApplyResult,
  type ContentPlanData,
  type ContentResult,
  type Plan,
} from '../kit/index.js';
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

/** The same change as one step (see ApplyStep). */
export function templateStep(ctx: StepContext, args: TemplateOptions, plan: Plan<ContentPlanData>): ApplyStep<TemplateResult> {
  const s = contentStep(ctx, args, plan);
  return { ...s, done: (r) => ({ data: { ...(s.done(r).data as ContentResult), sha256: plan.data?.sha256 } }) };
}

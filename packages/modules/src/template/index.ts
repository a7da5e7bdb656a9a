import { contentStep, defineModule } from '../kit/index.js';
import { templateArgsSchema } from './args.js';
import { applyTemplate, type TemplateResult } from './apply.js';
import { templateFacts } from './facts.js';
import { planTemplate } from './plan.js';

export { templateArgsSchema, templateArgs } from './args.js';
export type { TemplateArgs, TemplateOptions, TemplateFn, TypedTemplateArgs } from './args.js';
export type { TemplateResult } from './apply.js';

/** A file rendered by a typed TypeScript function of vars, optionally validated before it replaces dest. */
export const template = defineModule({
  name: 'template',
  args: templateArgsSchema.describe('A file rendered by a typed TypeScript function of vars, validated before it replaces dest'),
  facts: (args, ctx) => templateFacts(args, ctx),
  plan: (facts, args) => planTemplate(facts, args),
  apply: (ctx, args, plan) => applyTemplate(ctx, args, plan),
  step: (ctx, args, plan) => contentStep(ctx, args, plan),
  resultFromPlan: (plan, args): TemplateResult => ({ dest: args.dest, sha256: plan.data?.sha256 }),
  secret: (args) => args.secret,
});

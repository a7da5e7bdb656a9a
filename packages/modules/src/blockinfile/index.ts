import { defineModule } from '@tsplay/core';
import { blockinfileArgsSchema } from './args.js';
import { applyBlockinfile } from './apply.js';
import { blockinfileFacts, blockinfileTarget } from './facts.js';
import { planBlockinfile } from './plan.js';

export { blockinfileArgsSchema } from './args.js';
export type { BlockinfileArgs, BlockinfileOptions } from './args.js';
export { blockinfileTarget } from './facts.js';

/** A block of lines between marker lines in a text file, kept as given (or removed). */
export const blockinfile = defineModule({
  name: 'blockinfile',
  args: blockinfileArgsSchema.describe('A block of lines between marker lines in a text file'),
  facts: (a, ctx) => blockinfileFacts(a, ctx.become),
  plan: (facts, a) => planBlockinfile(facts, a),
  apply: (ctx, a, plan) => applyBlockinfile(ctx, a, plan),
  resultFromPlan: (_plan, a) => ({ dest: blockinfileTarget(a).dest }),
  secret: (a) => blockinfileTarget(a).secret,
});

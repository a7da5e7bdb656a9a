import { defineModule } from '@tsplay/core';
import { lineinfileArgsSchema } from './args.js';
import { applyLineinfile } from './apply.js';
import { lineinfileFacts, lineinfileTarget } from './facts.js';
import { planLineinfile } from './plan.js';

export { lineinfileArgsSchema } from './args.js';
export type { LineinfileArgs, LineinfileOptions } from './args.js';
export { lineinfileTarget } from './facts.js';

/** Make sure one line is in a text file (or replace the line matching a regex, or remove matching lines). */
export const lineinfile = defineModule({
  name: 'lineinfile',
  args: lineinfileArgsSchema.describe('One line in a text file: added, replaced (regexp) or removed'),
  facts: (a, ctx) => lineinfileFacts(a, ctx.become),
  plan: (facts, a) => planLineinfile(facts, a),
  apply: (ctx, a, plan) => applyLineinfile(ctx, a, plan),
  resultFromPlan: (_plan, a) => ({ dest: lineinfileTarget(a).dest }),
  secret: (a) => lineinfileTarget(a).secret,
});

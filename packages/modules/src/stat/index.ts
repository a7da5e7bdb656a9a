import { defineModule } from '../kit/index.js';
import { statArgsSchema } from './args.js';
import { statResult } from './apply.js';
import { statFacts } from './facts.js';
import { planStat, type StatResult } from './plan.js';

export { statArgsSchema } from './args.js';
export type { StatArgs, StatOptions } from './args.js';
export type { StatResult } from './plan.js';

/** A read-only fact of a path (type, mode, owner, group, size, link target, optional sha256), as the task's result. */
export const stat = defineModule({
  name: 'stat',
  args: statArgsSchema.describe('A read-only fact of a path: type, mode, owner, group, size, link target, sha256'),
  facts: (a) => statFacts(a),
  plan: (facts, a) => planStat(facts, a),
  resultFromPlan: (plan): StatResult | undefined => statResult(plan),
});

import { defineModule } from '../kit/index.js';
import { groupArgsSchema } from './args.js';
import { applyGroup } from './apply.js';
import { groupFacts } from './facts.js';
import { planGroup } from './plan.js';

export { groupArgsSchema } from './args.js';
export type { GroupArgs, GroupOptions } from './args.js';

/** A local group (groupadd/groupmod/groupdel). */
export const group = defineModule({
  name: 'group',
  args: groupArgsSchema.describe('A local group (groupadd, groupmod, groupdel)'),
  facts: (a) => groupFacts(a),
  plan: (facts, a) => planGroup(facts, a),
  apply: (ctx, a, plan) => applyGroup(ctx, a, plan),
  resultFromPlan: (_p, a) => ({ name: a.name }),
});

import { defineModule } from '../kit/index.js';
import { userArgsSchema } from './args.js';
import { applyUser } from './apply.js';
import { userFacts } from './facts.js';
import { planUser } from './plan.js';

export { userArgsSchema } from './args.js';
export type { UserArgs, UserOptions } from './args.js';

/** A local user account (useradd/usermod/userdel): uid, primary and supplementary groups, home, shell, comment. */
export const user = defineModule({
  name: 'user',
  args: userArgsSchema.describe('A local user account: uid, groups, home, shell, comment'),
  facts: (a) => userFacts(a),
  plan: (facts, a) => planUser(facts, a),
  apply: (ctx, a, plan) => applyUser(ctx, a, plan),
  resultFromPlan: (_p, a) => ({ name: a.name }),
});

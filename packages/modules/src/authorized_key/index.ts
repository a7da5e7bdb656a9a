import { defineModule } from '../kit/index.js';
import { authorizedKeyArgsSchema, keysPath } from './args.js';
import { applyAuthorizedKey } from './apply.js';
import { authorizedKeyFacts } from './facts.js';
import { planAuthorizedKey } from './plan.js';

export { authorizedKeyArgsSchema, keyId } from './args.js';
export type { AuthorizedKeyArgs, AuthorizedKeyOptions } from './args.js';

/** An SSH public key in a user's authorized_keys (the file 0600 and ~/.ssh 0700, owned by the user). */
export const authorizedKey = defineModule({
  name: 'authorized_key',
  args: authorizedKeyArgsSchema.describe("An SSH public key in a user's authorized_keys (file 0600, ~/.ssh 0700, owned by the user)"),
  facts: (a, ctx) => authorizedKeyFacts(a, ctx.become),
  plan: (facts, a) => planAuthorizedKey(facts, a),
  apply: (ctx, a, plan) => applyAuthorizedKey(ctx, a, plan),
  resultFromPlan: (_p, a) => ({ path: keysPath(a) }),
});

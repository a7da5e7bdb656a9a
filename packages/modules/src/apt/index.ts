import { defineModule } from '../kit/index.js';
import { aptArgsSchema } from './args.js';
import { applyApt, type AptResult } from './apply.js';
import { aptFact } from './facts.js';
import { planApt } from './plan.js';

export { aptArgsSchema } from './args.js';
export type { AptArgs, AptOptions } from './args.js';
export type { AptResult } from './apply.js';

/**
 * Debian packages with apt: present / absent / latest, `updateCache` with a max age. Plans from
 * `apt-get -s` (a simulation), so check mode names exactly the packages a run installs, dependencies included.
 */
export const apt = defineModule({
  name: 'apt',
  args: aptArgsSchema.describe('Debian packages with apt: present, absent or latest, with a cache update that has a max age'),
  facts: (a) => ({ apt: aptFact(a) }),
  plan: (facts, a) => planApt(facts, a),
  apply: (ctx, a, plan) => applyApt(ctx, a, plan),
  resultFromPlan: (plan): AptResult => ({ changes: plan.data?.changes ?? [], cacheUpdated: false }),
});

/** `package`: the distribution's package manager; on Debian and Ubuntu hosts that is apt. */
export const pkg = defineModule({ ...apt, name: 'package' });

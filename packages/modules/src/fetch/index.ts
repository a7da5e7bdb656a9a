import { defineModule } from '../kit/index.js';
import { fetchArgsSchema } from './args.js';
import { applyFetch, type FetchResult } from './apply.js';
import { fetchFacts } from './facts.js';
import { planFetch } from './plan.js';

export { fetchArgsSchema } from './args.js';
export type { FetchArgs, FetchOptions } from './args.js';
export type { FetchResult } from './apply.js';
export type { FetchPlanData } from './plan.js';
export type { LocalDest } from './facts.js';

/** A file from the host to the workstation (Ansible's fetch): atomic, checksum verified, idempotent by sha256, exact in check mode. */
export const fetch = defineModule({
  name: 'fetch',
  args: fetchArgsSchema,
  facts: (args, ctx) => fetchFacts(args, ctx),
  plan: (facts, args) => planFetch(facts, args),
  apply: (ctx, args, plan) => applyFetch(ctx, args, plan),
  resultFromPlan: (plan): FetchResult | undefined =>
    plan.data ? { dest: plan.data.path, sha256: plan.data.sha256 || undefined, size: plan.data.size } : undefined,
  secret: (args) => args.secret,
});

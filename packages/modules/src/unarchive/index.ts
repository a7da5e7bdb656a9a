import { defineModule } from '../kit/index.js';
import { unarchiveArgsSchema } from './args.js';
import { applyUnarchive, unarchiveStep, type UnarchiveResult } from './apply.js';
import { unarchiveFacts } from './facts.js';
import { inferTargets, planUnarchive, type UnarchivePlanData } from './plan.js';

export type { UnarchiveArgs, UnarchiveOptions } from './args.js';
export type { UnarchiveResult } from './apply.js';

/**
 * Extract the members of a tar archive on the host that match `include` into `dest`,
 * idempotent by content: only members whose target is missing or differs (content, mode) are written.
 */
export const unarchive = defineModule({
  name: 'unarchive',
  args: unarchiveArgsSchema.describe('Members of a tar archive extracted on the host, idempotent by content'),
  facts: (args, ctx) => unarchiveFacts(args, ctx),
  plan: (facts, args, ctx) => planUnarchive(facts, args, ctx),
  apply: (ctx, args, plan) => applyUnarchive(ctx, args, plan),
  step: (ctx, args, plan) => unarchiveStep(ctx, args, plan),
  resultFromPlan: (plan, args): UnarchiveResult => {
    const install = (plan.data as UnarchivePlanData | undefined)?.install ?? [];
    const pending = plan.changed && install.length === 0;
    return { dest: args.dest, files: pending ? inferTargets(args) : install.map((m) => m.path) };
  },
});

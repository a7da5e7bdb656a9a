import { contentStep, defineModule } from '../kit/index.js';
import { copyArgsSchema } from './args.js';
import { applyCopy, type CopyResult } from './apply.js';
import { copyFacts } from './facts.js';
import { planCopy } from './plan.js';

export { copyArgsSchema } from './args.js';
export type { CopyArgs, CopyOptions } from './args.js';
export type { CopyResult } from './apply.js';

/** A file's content from a string/Secret, a workstation file or a file on the host; idempotent by sha256. */
export const copy = defineModule({
  name: 'copy',
  args: copyArgsSchema.describe('A file on the host from a string, a workstation file or a host file, written atomically'),
  facts: (args, ctx) => copyFacts(args, ctx),
  plan: (facts, args) => planCopy(facts, args),
  apply: (ctx, args, plan) => applyCopy(ctx, args, plan),
  step: (ctx, args, plan) => contentStep(ctx, args, plan),
  resultFromPlan: (plan, args): CopyResult => ({ dest: args.dest, sha256: plan.data?.sha256 }),
  secret: (args) => args.secret,
});

import { defineModule } from '../kit/index.js';
import { fileArgsSchema } from './args.js';
import { fileStep, type FileResult } from './apply.js';
import { fileFacts } from './facts.js';
import { planFile, type FilePlanData } from './plan.js';

export { fileArgsSchema } from './args.js';
export type { FileArgs, FileOptions } from './args.js';
export type { FileResult } from './apply.js';

/** Directories, empty files, links and removal; owner/group/mode (recursively only when asked). */
export const file = defineModule({
  name: 'file',
  args: fileArgsSchema.describe('A path on the host: file, touch, directory, link or absent, with mode/owner/group'),
  facts: (args, ctx) => fileFacts(args, ctx.become),
  plan: (facts, args) => planFile(facts, args),
  step: (ctx, args, plan) => fileStep(ctx, args, plan),
  resultFromPlan: (_plan, args): FileResult => ({ path: args.path, state: args.state }),
});

import { defineModule } from '../kit/index.js';
import { downloadArgsSchema } from './args.js';
import { applyDownload, downloadStep, type DownloadResult } from './apply.js';
import { downloadFacts } from './facts.js';
import { planDownload, type DownloadPlanData } from './plan.js';

export type { DownloadArgs, DownloadOptions, Checksum } from './args.js';
export type { DownloadResult } from './apply.js';

/**
 * Download a file over https on the host, verify its sha256, and move it into place atomically.
 * Unchanged when dest already has the expected sha256 (or, with `checksum: 'skip'`, when it exists).
 */
export const download = defineModule({
  name: 'download',
  args: downloadArgsSchema.describe('A file downloaded on the host over https, checked against a sha256, written atomically'),
  facts: (args, ctx) => downloadFacts(args, ctx.become),
  plan: (facts, args) => planDownload(facts, args),
  apply: (ctx, args, plan) => applyDownload(ctx, args, plan),
  step: (ctx, args, plan) => downloadStep(ctx, args, plan),
  resultFromPlan: (plan, args): DownloadResult => ({
    dest: args.dest,
    sha256: (plan.data as DownloadPlanData | undefined)?.expected,
    downloaded: false,
  }),
});

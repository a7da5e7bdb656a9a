import { defineModule } from '../kit/index.js';
import { waitForArgsSchema } from './args.js';
import { applyWaitFor, type WaitForResult } from './apply.js';
import { planWaitFor } from './plan.js';

export { waitForArgsSchema } from './args.js';
export type { WaitForArgs, WaitForOptions } from './args.js';
export type { WaitForResult } from './apply.js';

/**
 * Wait for a TCP port, a path, or a regex in a file, with a timeout. Read-only: it also runs in
 * check mode, where it is unknown when an earlier task would change the path it waits for.
 */
export const waitFor = defineModule({
  name: 'wait_for',
  args: waitForArgsSchema.describe('Wait for a TCP port, a path, or a regex in a file, with a timeout'),
  facts: () => ({}),
  plan: (_f, a) => planWaitFor(a),
  apply: (ctx, a, plan) => applyWaitFor(ctx, a, plan),
  readOnly: () => true,
  reads: (a) => (a.path !== undefined ? [a.path] : undefined),
  resultFromPlan: (): WaitForResult | undefined => undefined,
});

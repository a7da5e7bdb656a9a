import { defineModule } from '../kit/index.js';
import { readOnlyMethod, uriArgsSchema } from './args.js';
import { applyUri } from './apply.js';
import { planUri } from './plan.js';

export { uriArgsSchema } from './args.js';
export type { UriArgs, UriOptions } from './args.js';
export type { UriResult } from './apply.js';

/** An HTTP request from the host (curl), checking the status and the JSON body. GET/HEAD also run in check mode. */
export const uri = defineModule({
  name: 'uri',
  args: uriArgsSchema.describe('An HTTP request from the host, checking the status and the JSON body'),
  facts: () => ({}),
  plan: (_f, a) => planUri(a),
  apply: (ctx, a) => applyUri(ctx, a),
  readOnly: (a) => readOnlyMethod(a),
  reads: () => [],
});

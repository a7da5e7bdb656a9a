import { defineModule } from '../kit/index.js';
import { hostnameArgsSchema } from './args.js';
import { applyHostname } from './apply.js';
import { hostnameFacts } from './facts.js';
import { planHostname } from './plan.js';

export { hostnameArgsSchema } from './args.js';
export type { HostnameArgs, HostnameOptions } from './args.js';

/** The host's name: /etc/hostname and (with live) the running name. */
export const hostname = defineModule({
  name: 'hostname',
  args: hostnameArgsSchema.describe('The host name: /etc/hostname and the running name'),
  facts: (_a, ctx) => hostnameFacts(ctx.become),
  plan: (facts, a) => planHostname(facts, a),
  apply: (ctx, a, plan) => applyHostname(ctx, a, plan),
  resultFromPlan: (_p, a) => ({ name: a.name }),
});

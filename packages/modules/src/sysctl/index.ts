import { defineModule } from '../kit/index.js';
import { sysctlArgsSchema } from './args.js';
import { applySysctl, type SysctlResult } from './apply.js';
import { sysctlFacts } from './facts.js';
import { planSysctl } from './plan.js';

export { sysctlArgsSchema } from './args.js';
export type { SysctlArgs, SysctlOptions } from './args.js';
export type { SysctlResult } from './apply.js';

/** A kernel parameter kept in a sysctl.d file and (with reload) loaded with `sysctl -p FILE`. */
export const sysctl = defineModule({
  name: 'sysctl',
  args: sysctlArgsSchema.describe('A kernel parameter kept in a sysctl.d file and loaded with sysctl -p'),
  facts: (a, ctx) => sysctlFacts(a, ctx.become),
  plan: (facts, a) => planSysctl(facts, a),
  apply: (ctx, a, plan) => applySysctl(ctx, a, plan),
  resultFromPlan: (_p, a): SysctlResult => ({ name: a.name, value: a.value, file: a.file }),
});

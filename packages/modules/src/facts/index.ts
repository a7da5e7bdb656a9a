import { defineModule } from '../kit/index.js';
import { factsArgsSchema } from './args.js';
import { factsResult } from './apply.js';
import { hostFactsFact } from './facts.js';
import { planFacts } from './plan.js';
import type { HostFacts } from './parse.js';

export { factsArgsSchema } from './args.js';
export type { FactsArgs } from './args.js';
export type { HostFacts } from './parse.js';
export { hostFactsFact } from './facts.js';

/** Gather the host's facts (like Ansible's setup), typed; register the task to use them. */
export const facts = defineModule({
  name: 'facts',
  args: factsArgsSchema.describe("The host's facts: OS, distribution, kernel, architecture, CPUs, memory, interfaces, hostname/fqdn"),
  facts: () => ({ host: hostFactsFact() }),
  plan: (f) => planFacts(f.host),
  resultFromPlan: (plan): HostFacts | undefined => factsResult(plan),
});

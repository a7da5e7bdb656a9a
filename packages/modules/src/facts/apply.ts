import type { Plan } from '../kit/index.js';
import type { HostFacts } from './parse.js';

/** facts never changes the host: its result is what the probe read (also in check mode). */
export const factsResult = (plan: Plan<HostFacts>): HostFacts | undefined => plan.data;

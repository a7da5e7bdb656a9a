import type { Plan } from '../kit/index.js';
import type { StatResult } from './plan.js';

/** stat never changes the host: its result is what the plan read (also in check mode). */
export function statResult(plan: Plan<StatResult>): StatResult | undefined {
  return plan.data;
}

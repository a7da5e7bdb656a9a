import { pathFact, type FactQuery, type PathState } from '../kit/index.js';
import type { StatOptions } from './args.js';

export type StatFacts = { target: FactQuery<PathState> };

/** The path's state; in check mode the state an earlier task predicts (or unknown). */
export function statFacts(a: StatOptions): StatFacts {
  return { target: pathFact(a.path, { hash: a.hash }) };
}

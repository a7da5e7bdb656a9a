import { pathFact, type FactQuery, type PathState } from '@tsplay/core';
import type { ParsedCommandArgs } from './args.js';

/** `creates`/`removes` are probed before the command runs. */
export function commandFacts(a: ParsedCommandArgs): Record<string, FactQuery<PathState>> {
  const f: Record<string, FactQuery<PathState>> = {};
  if (a.creates) f.creates = pathFact(a.creates);
  if (a.removes) f.removes = pathFact(a.removes);
  return f;
}

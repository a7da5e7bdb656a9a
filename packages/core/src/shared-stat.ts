import { createHash } from 'node:crypto';
import type { FactQuery } from './facts.js';

/**
 * What the batched reads of a probe (sig-batch.ts, dir-batch.ts) share: one `stat` at the start of the probe for
 * the paths of many facts, each path's words in a shell variable named after it.
 */

/** Paths in one shared `stat` at most (far below ARG_MAX); a batch with more reads them per fact. */
const MAX_SHARED = 256;

/** The shell variable (`prefix` and a hash of the path) that holds what the shared stat said of `path` (unit-batch.ts names a unit's show the same way). */
export const statVar = (prefix: string, path: string): string => `${prefix}${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;

/** The distinct paths `pick` names across the facts; undefined when fewer than two facts name any, or too many. */
export function sharedPaths(facts: readonly FactQuery[], pick: (f: FactQuery) => readonly string[] | undefined): string[] | undefined {
  const named = facts.map((f) => pick(f) ?? []).filter((p) => p.length > 0);
  const paths = [...new Set(named.flat())];
  return named.length < 2 || paths.length > MAX_SHARED ? undefined : paths;
}

import type { TsplayError } from '@tsplay/core';
import { becomesRoot, dirChainFact, unsafePathError, type DirChain, type FactQuery } from '@tsplay/core/module';
import { ancestors } from '../common/paths.js';

/** The facts `unsafeWrite` reads: the safe write's check of every directory above `path` (`safe`, by directory). */
export type WriteSafetyFacts = { safe?: FactQuery<DirChain> };

/**
 * The directory check a safe write of `path` (a file, or a directory made with mkdir -p) does before it
 * writes, as one fact: a verdict for each directory from `/` down to the parent of `path` (one `stat` on the host).
 */
export function writeSafetyFacts(path: string, opts: { become: boolean | string }): WriteSafetyFacts {
  const root = becomesRoot(opts.become);
  // Become another user: the probe batches run as root or the login user, not as that user: no prediction.
  if (typeof opts.become === 'string' && !root) return {};
  return { safe: dirChainFact(ancestors(path), { root }) };
}

/** The `UNSAFE_PATH` error the write of `path` would fail with (the deepest refusing directory), else undefined. */
export function unsafeWrite(facts: object, path: string, owner: string | undefined): TsplayError | undefined {
  const chain = (facts as { safe?: Record<string, unknown> }).safe;
  for (const dir of ancestors(path).reverse()) {
    const v = chain?.[dir];
    if (v === 'refuse' || (typeof v === 'string' && v.startsWith('owner:') && v !== `owner:${owner ?? ''}`))
      return unsafePathError(path, dir);
  }
  return undefined;
}

/** True when a module's apply script contains a safe write (its directory check). */
export function runsSafeWrite(script: string): boolean {
  return script.includes('tsplay_check "');
}

import type { FactQuery } from './facts.js';
import { DIR_VERDICT, EFFECTIVE_IDS } from './safe-check.js';
import { sharedPaths, sharedStatLines, statVar } from './shared-stat.js';

/**
 * The directory checks of a batch's safe-write facts (`dirChainFact`: one per file a play writes, each the
 * chain from `/` down), read by one `stat` at the start of the probe instead of one in each fact's subshell.
 * Each directory's `uid gid mode owner` lands in a shell variable named after it; a fact takes its chain's
 * variables in place of its own `stat` and judges them as before; a directory that is not there has an empty
 * variable (tested first with the shell's own `test`, the answer kept in a flag of its own, so one that comes or
 * goes meanwhile cannot shift the words) and is judged `missing`, as the fact's own script judges it. Only when no
 * directory is a symlink and that `stat` read every one the tests found: otherwise `__sd_ok` stays empty and each
 * fact reads its own, as before.
 * Where the shell also reads its effective ids from /proc, it defines the judge once for the whole probe and sets
 * `__sd_fast`: each fact's fast path (safe-dir-fact.ts) then judges its chain in the probe's own shell.
 */
export const DIR_STAT_FORMAT = '%u %g %f %U';

/** The shell variable that holds `dir`'s four stat words in a batch with the shared stat. */
export const dirVar = (dir: string): string => statVar('__sd_', dir);

/** The lines that read every chain's directories with one `stat` and define the judge (none for fewer than two chains). */
export function dirPrelude(facts: readonly FactQuery[]): string[] {
  const dirs = sharedPaths(facts, (f) => f.dirChain);
  if (dirs === undefined) return ['__sd_ok=; __sd_fast='];
  return [
    ...sharedStatLines({
      paths: dirs,
      prefix: '__sd_',
      format: DIR_STAT_FORMAT,
      follow: false,
      words: 4,
      valueVar: dirVar,
      linkBails: true,
    }),
    `__sd_fast=; if [ -n "$__sd_ok" ]; then ${EFFECTIVE_IDS}`,
    '  if [ -n "$tsplay_me" ]; then',
    ...DIR_VERDICT.map((l) => `    ${l}`),
    '    __sd_fast=1',
    '  fi',
    'fi',
  ];
}

/** The chain's stat words in order, from the shared stat (a missing directory gives none): for `dirChainScript`, when `__sd_ok` is set. */
export function sharedChainWords(dirs: readonly string[]): string {
  return dirs.map((d) => `$${dirVar(d)}`).join(' ');
}

import { createHash } from 'node:crypto';
import { quote } from './sh.js';
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

/**
 * The lines of a shared read: one `stat -c FORMAT` (`follow`: -L) of the `paths` that are there, each path's
 * `words` stat words into `valueVar(path)` (empty for a path that is not there), and `ok` set only when that stat
 * read every path found. Each path's existence is tested first with the shell's own `test` and kept in a flag of
 * its own (`prefix` + `e_`), so a path that comes or goes meanwhile cannot shift the words onto another: the stat
 * then fails or the path reads as missing. `linkBails`: a symlink among the paths leaves `ok` unset (its target
 * is not what a stat of the path says).
 */
export function sharedStatLines(o: {
  paths: readonly string[];
  prefix: string;
  format: string;
  follow: boolean;
  words: number;
  valueVar: (path: string) => string;
  linkBails: boolean;
}): string[] {
  const q = (p: string) => quote(p);
  const [ok, out, link, found] = [`${o.prefix}ok`, `${o.prefix}o`, `${o.prefix}l`, `${o.prefix}n`];
  const seen = (p: string) => statVar(`${o.prefix}e_`, p);
  const test = (p: string) => `if [ -e ${q(p)} ]; then set -- "$@" ${q(p)}; ${seen(p)}=1; else ${seen(p)}=; fi`;
  const value = Array.from({ length: o.words }, (_, i) => `$${i + 1}`).join(' ');
  return [
    `${ok}=; ${out}=; ${link}=; set --`,
    ...o.paths.map((p) => (o.linkBails ? `if [ -L ${q(p)} ]; then ${link}=1; el${test(p)}` : test(p))),
    `if [ -z "$${link}" ] && { [ $# -eq 0 ] || ${out}=$(stat ${o.follow ? '-L ' : ''}-c '${o.format}' -- "$@" 2>/dev/null); }; then`,
    `  ${found}=$#; set -f; set -- $${out}; set +f`,
    `  if [ $# -eq $((${o.words} * ${found})) ]; then`,
    ...o.paths.map((p) => `    if [ -n "$${seen(p)}" ]; then ${o.valueVar(p)}="${value}"; shift ${o.words}; else ${o.valueVar(p)}=; fi`),
    `    ${ok}=1`,
    '  fi',
    'fi',
  ];
}

import type { FactQuery } from './facts.js';
import { quote } from './sh.js';
import { sharedPaths, sharedStatLines, statVar } from './shared-stat.js';

/**
 * The stat signatures of the content facts of a batch (SigCache.wrap), read by one `stat` at the start of the
 * probe instead of one in each fact's subshell. Each path's signature lands in a shell variable named after the
 * path, empty for a path that is not there (its existence tested first, with the shell's own `test`, and kept in
 * a flag of its own, so a file that comes or goes meanwhile cannot shift the words); a fact joins its paths'
 * variables exactly as its own `stat` line would, a missing file giving no word. Only when that `stat` read every
 * path the tests found does `__sg_ok` get set; else each fact reads its own signature, as before.
 */
export const SIG_FORMAT = '%s.%.9Y.%.9Z.%i';

/** The shell variable that holds `path`'s signature in a batch with the shared stat. */
export const sigVar = (path: string): string => statVar('__sg_', path);

/**
 * The paths' signatures from the batch's shared stat, as `$@` (valid only while `__sg_ok` is set): unquoted, so a
 * missing path's empty variable gives no word, as `stat` prints none for it (a signature is digits and dots).
 */
export const sharedSigArgs = (paths: readonly string[]): string => `set -- ${paths.map((p) => `$${sigVar(p)}`).join(' ')}`;

/** The fact's signature line into `$__s` (one word per file there, joined by one space), from the shared stat when there is one. */
export function sigLine(paths: readonly string[]): string {
  const own = `__s=$(stat -L -c '${SIG_FORMAT}' -- ${paths.map((p) => quote(p)).join(' ')} 2>/dev/null); set -- $__s`;
  return `if [ -n "\${__sg_ok:-}" ]; then ${sharedSigArgs(paths)}; else ${own}; fi; __s="$*"`;
}

/** The lines that read every content fact's paths with one `stat` (none for fewer than two facts). */
export function sigPrelude(facts: readonly FactQuery[]): string[] {
  const paths = sharedPaths(facts, (f) => f.sigPaths);
  if (paths === undefined) return ['__sg_ok='];
  return sharedStatLines({ paths, prefix: '__sg_', format: SIG_FORMAT, follow: true, words: 1, valueVar: sigVar, linkBails: false });
}

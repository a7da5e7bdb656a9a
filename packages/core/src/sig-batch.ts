import type { FactQuery } from './facts.js';
import { quote } from './sh.js';
import { sharedPaths, statVar } from './shared-stat.js';

/**
 * The stat signatures of the content facts of a batch (SigCache.wrap), read by one `stat` at the start of the
 * probe instead of one in each fact's subshell. Each path's signature lands in a shell variable named after the
 * path; a fact joins its paths' variables exactly as its own `stat` line would. Only when every path is there
 * (the idempotent case): with one missing, `__sg_ok` stays empty and each fact reads its own signature, as before.
 */
export const SIG_FORMAT = '%s.%.9Y.%.9Z.%i';

/** The shell variable that holds `path`'s signature in a batch with the shared stat. */
export const sigVar = (path: string): string => statVar('__sg_', path);

/** The paths' signatures from the batch's shared stat, as `$@` (valid only while `__sg_ok` is set). */
export const sharedSigArgs = (paths: readonly string[]): string => `set -- ${paths.map((p) => `"$${sigVar(p)}"`).join(' ')}`;

/** The fact's signature line into `$__s` (one word per file, joined by one space), from the shared stat when there is one. */
export function sigLine(paths: readonly string[]): string {
  const own = `__s=$(stat -L -c '${SIG_FORMAT}' -- ${paths.map((p) => quote(p)).join(' ')} 2>/dev/null); set -- $__s`;
  return `if [ -n "\${__sg_ok:-}" ]; then ${sharedSigArgs(paths)}; else ${own}; fi; __s="$*"`;
}

/** The lines that read every content fact's paths with one `stat` (none for fewer than two facts). */
export function sigPrelude(facts: readonly FactQuery[]): string[] {
  const paths = sharedPaths(facts, (f) => f.sigPaths);
  if (paths === undefined) return ['__sg_ok='];
  const assign = paths.map((p, i) => `${sigVar(p)}=\${${i + 1}}`).join('; ');
  return [
    `__sg_ok=; __sa=$(stat -L -c '${SIG_FORMAT}' -- ${paths.map((p) => quote(p)).join(' ')} 2>/dev/null) && set -- $__sa && [ $# -eq ${paths.length} ] && { ${assign}; __sg_ok=1; }`,
  ];
}

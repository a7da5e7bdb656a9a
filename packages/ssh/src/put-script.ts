import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { PutOptions } from '@tsplay/core';
import { quote } from '@tsplay/core';

/** Temp name in the target's own directory, so the final rename is atomic. */
export function tempPathFor(path: string): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}.tsplay-${randomBytes(6).toString('hex')}`);
}

/**
 * Shell script that receives the file on stdin and writes it atomically: temp file in the same directory,
 * size check (a cut connection gives `cat` an early EOF), fsync, chmod/chown, rename. The temp file is
 * removed on every failure path, including a dropped connection.
 */
export function putScript(path: string, size: number, opts: PutOptions, tmp = tempPathFor(path), staleAfterMs?: number): string {
  const t = quote(tmp);
  const lines = [
    'umask 077',
    ...(staleAfterMs !== undefined ? [staleTempCleanup(posix.dirname(path), staleAfterMs)] : []),
    `trap ${quote(`rm -f -- ${t}`)} EXIT`,
    `trap 'exit 1' HUP INT TERM PIPE`,
    `cat > ${t} || exit 1`,
    `n=$(wc -c < ${t}) && [ "$n" -eq ${size} ] || { echo "tsplay: incomplete upload ($n of ${size} bytes)" >&2; exit 1; }`,
    `sync -- ${t} 2>/dev/null || sync`,
  ];
  if (opts.mode !== undefined) lines.push(`chmod ${(opts.mode & 0o7777).toString(8)} ${t} || exit 1`);
  if (opts.owner || opts.group) lines.push(`chown ${quote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} ${t} || exit 1`);
  lines.push(`mv -f -- ${t} ${quote(path)} || exit 1`);
  lines.push(`sync -- ${quote(posix.dirname(path))} 2>/dev/null || true`);
  return lines.join('\n');
}

/** tsplay's own temp names: `tempPathFor`'s (12 hex digits) and the download script's `mktemp` ones (6 letters/digits). */
export const TEMP_GLOBS = [`.?*.tsplay-${'[0-9a-f]'.repeat(12)}`, `.?*.tsplay-${'[0-9A-Za-z]'.repeat(6)}`];

/**
 * Remove tsplay's own temp files (`TEMP_GLOBS`) in `dir` that are older than the run: last modified more than
 * `runAgeMs` + 0.5 s before the host's clock now (ms precision with GNU date's %N): the leftovers of a write
 * interrupted by a power-off. Measured on the host's clock, so clock skew does not matter. Best effort: never
 * fails the write (without %N the arithmetic fails and nothing is removed).
 */
export function staleTempCleanup(dir: string, runAgeMs: number): string {
  const ageMs = Math.ceil(Math.max(0, runAgeMs)) + 500;
  const names = `\\( -name ${quote(TEMP_GLOBS[0] ?? '')} -o -name ${quote(TEMP_GLOBS[1] ?? '')} \\)`;
  const ref = `t=$(( $(date +%s%N) / 1000000 - ${ageMs} )) && r="@$((t / 1000)).$(printf %03d $((t % 1000)))"`;
  return `{ ${ref} && find ${quote(dir)} -maxdepth 1 -type f ${names} ! -newermt "$r" -exec rm -f -- {} + ; } 2>/dev/null || true`;
}

export const DISK_FULL = /No space left on device|Disk quota exceeded|ENOSPC/i;

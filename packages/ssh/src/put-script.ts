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
export function putScript(path: string, size: number, opts: PutOptions, tmp = tempPathFor(path)): string {
  const t = quote(tmp);
  const lines = [
    'umask 077',
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

export const DISK_FULL = /No space left on device|Disk quota exceeded|ENOSPC/i;

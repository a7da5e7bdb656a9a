import { TsplayError } from '@tsplay/core';
import { safeWriteRefusal, safeWriteScript } from '@tsplay/core/module';
import type { PutOptions } from '@tsplay/core/transport';

/**
 * Shell script that receives the file on stdin and writes it through core's safe write (checked directories,
 * as the owner in a directory that owner can change, temp file made O_EXCL in the same directory, owner and
 * mode set on that temp file, fsync, rename). The upload's size is checked (a cut connection gives `cat` an
 * early EOF). No mode: 0600, as before. `staleBefore` (ms on the HOST's clock): tsplay temp files in the
 * directory older than that are removed first (leftovers of an interrupted write).
 */
export function putScript(path: string, size: number, opts: PutOptions, staleBefore?: number): string {
  const fill = [
    'cat > "$TSPLAY_TMP" || exit 1',
    `n=$(wc -c < "$TSPLAY_TMP") && [ "$n" -eq ${size} ] || { echo "tsplay: incomplete upload ($n of ${size} bytes)" >&2; exit 1; }`,
  ].join('\n');
  const target = { path, owner: opts.owner, group: opts.group, mode: opts.mode, secret: opts.mode === undefined };
  return safeWriteScript(target, fill, { staleBefore });
}

/**
 * The run's start on the host's own clock: the host's time now minus the run's age measured after the answer
 * came back, so it is never later than the true start (a late or slow exec only moves it earlier). Undefined
 * when the host's `date` has no %N (then no temp file is ever removed).
 */
export async function hostRunStart(
  exec: (cmd: string) => Promise<{ code: number; stdout: Buffer | string }>,
  sinceMs: number,
): Promise<number | undefined> {
  const r = await exec('date +%s%N').catch(() => undefined);
  const out = r?.stdout.toString().trim() ?? '';
  if (r?.code !== 0 || !/^\d{19}$/.test(out)) return undefined;
  return Math.floor(Number(BigInt(out) / 1_000_000n)) - (Date.now() - sinceMs);
}

/** The put script's failure as a coded error: UNSAFE_PATH, DISK_FULL or WRITE_FAILED. */
export function putError(r: { code: number; stdout: Buffer; stderr: Buffer }, path: string, host: string): TsplayError {
  const msg = r.stderr.toString('utf8').trim();
  const refused = safeWriteRefusal({ code: r.code, stdout: r.stdout.toString('utf8'), stderr: msg }, path);
  if (refused) return refused.withContext({ host });
  if (DISK_FULL.test(msg))
    return new TsplayError('DISK_FULL', `no space left writing ${path}: ${msg}`, {
      host,
      hint: 'free space on the target filesystem (df -h)',
    });
  return new TsplayError('WRITE_FAILED', `could not write ${path}: ${msg || `exit ${r.code}`}`, { host });
}

export const DISK_FULL = /No space left on device|Disk quota exceeded|ENOSPC/i;

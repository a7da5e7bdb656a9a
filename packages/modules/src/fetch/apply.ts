import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sha256Hex, type ApplyContext, type ApplyResult, type Plan } from '../kit/index.js';
import type { FetchOptions } from './args.js';
import { fail, type FetchPlanData } from './plan.js';

export interface FetchResult {
  /** The workstation file. */
  dest: string;
  /** Its sha256 (the host file's); undefined in check mode when it cannot be known yet. */
  sha256: string | undefined;
  size: number;
}

/** fsync a directory so a rename in it survives a crash. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Write `bytes` to `path` on the workstation atomically: a temp file beside it (O_EXCL, the mode set on
 * the file itself), fsync, rename, fsync of the directory. On any failure the temp file is removed and
 * `path` is untouched. Missing directories are made (0700 when secret, else 0755).
 */
export function writeLocalAtomic(path: string, bytes: Buffer, mode: number, secret: boolean): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: secret ? 0o700 : 0o755 });
  const tmp = join(dir, `.${basename(path)}.tsplay-${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(dir);
}

export async function applyFetch(ctx: ApplyContext, a: FetchOptions, plan: Plan<FetchPlanData>): Promise<ApplyResult<FetchResult>> {
  const d = plan.data;
  if (!d) throw fail('FETCH_FAILED', 'internal: no plan data', { field: 'src' });
  if (d.action === 'chmod') {
    chmodSync(d.path, d.mode);
    return { data: { dest: d.path, sha256: d.sha256, size: d.size }, stdout: `${d.path}: mode set` };
  }
  // conn.read moves raw bytes (no base64); the file is held once in memory, then written atomically
  const bytes = await ctx.conn.read(a.src, { become: ctx.become });
  const got = sha256Hex(bytes);
  if (a.checksum && got !== d.sha256) {
    throw fail('CHECKSUM_MISMATCH', `${a.src}: the host file's sha256 is ${d.sha256.slice(0, 12)}…, ${bytes.length} bytes arrived with ${got.slice(0, 12)}…`, {
      field: 'src',
      hint: `the file changed on the host while it was read, or the transfer was cut; ${d.path} was not written; run again`,
    });
  }
  try {
    writeLocalAtomic(d.path, bytes, d.mode, a.secret);
  } catch (e) {
    throw fail('FETCH_FAILED', `could not write ${d.path} on the workstation: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { field: 'dest', cause: e });
  }
  return { data: { dest: d.path, sha256: got, size: bytes.length }, stdout: `${a.src} -> ${d.path} (${bytes.length} bytes, sha256 ${got})` };
}

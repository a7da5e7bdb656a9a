import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ApplyContext, ApplyResult, Plan } from '../kit/index.js';
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

/** A temp file beside `path` (O_EXCL, 0600) that takes the bytes as they arrive and hashes them. */
export class LocalTemp {
  readonly tmp: string;
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  size = 0;
  constructor(
    readonly path: string,
    secret: boolean,
  ) {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: secret ? 0o700 : 0o755 });
    this.tmp = join(dir, `.${basename(path)}.tsplay-${randomBytes(4).toString('hex')}`);
    this.fd = openSync(this.tmp, 'wx', 0o600);
  }
  write(b: Buffer): void {
    this.hash.update(b);
    for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off);
    this.size += b.length;
  }
  sha256(): string {
    return this.hash.copy().digest('hex');
  }
  /** Mode on the file itself, fsync, rename over `path`, fsync of the directory. */
  commit(mode: number): void {
    fchmodSync(this.fd, mode);
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    syncDir(dirname(this.path));
  }
  /** Nothing of a failed fetch stays. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    rmSync(this.tmp, { force: true });
  }
}

/** The host file's bytes into `t`: streamed when the connection can (`readChunks`), else one `read`. */
async function transfer(ctx: ApplyContext, src: string, t: LocalTemp): Promise<void> {
  const opts = { become: ctx.become };
  if (ctx.conn.readChunks) await ctx.conn.readChunks(src, (b) => t.write(b), opts);
  else t.write(await ctx.conn.read(src, opts));
}

const localWriteError = (e: unknown, path: string) =>
  fail('FETCH_FAILED', `could not write ${path} on the workstation: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
    field: 'dest',
    cause: e,
  });

export async function applyFetch(ctx: ApplyContext, a: FetchOptions, plan: Plan<FetchPlanData>): Promise<ApplyResult<FetchResult>> {
  const d = plan.data;
  if (!d) throw fail('FETCH_FAILED', 'internal: no plan data', { field: 'src' });
  if (d.action === 'chmod') {
    chmodSync(d.path, d.mode);
    return { data: { dest: d.path, sha256: d.sha256, size: d.size }, stdout: `${d.path}: mode set` };
  }
  let t: LocalTemp;
  try {
    t = new LocalTemp(d.path, a.secret);
  } catch (e) {
    throw localWriteError(e, d.path);
  }
  try {
    await transfer(ctx, a.src, t);
    const got = t.sha256();
    if (a.checksum && got !== d.sha256) {
      throw fail(
        'CHECKSUM_MISMATCH',
        `${a.src}: the host file's sha256 is ${d.sha256.slice(0, 12)}…, ${t.size} bytes arrived with ${got.slice(0, 12)}…`,
        {
          field: 'src',
          hint: `the file changed on the host while it was read, or the transfer was cut; ${d.path} was not written; run again`,
        },
      );
    }
    t.commit(d.mode);
    return { data: { dest: d.path, sha256: got, size: t.size }, stdout: `${a.src} -> ${d.path} (${t.size} bytes, sha256 ${got})` };
  } catch (e) {
    t.abort();
    throw (e as NodeJS.ErrnoException).syscall !== undefined ? localWriteError(e, d.path) : e; // a workstation fs error, else the transfer's own
  }
}

import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { defineFact, hostBasename, pathFact, type FactQuery, type PathState, type PlanContext } from '../kit/index.js';
import type { FetchOptions } from './args.js';

/** The workstation file the task writes: absent, a regular file (sha256, mode, size), or something else there. */
export type LocalDest =
  | { path: string; kind: 'absent' }
  | { path: string; kind: 'file'; sha256: string; mode: number; size: number }
  | { path: string; kind: 'other'; what: string };

export type FetchFacts = {
  /** The file on the host, with its sha256 (from the check overlay when an earlier task predicts it). */
  remote: FactQuery<PathState>;
  /** The workstation file, read when the task's facts are built (so the plan stays pure). */
  local: FactQuery<LocalDest>;
};

/**
 * Where the file lands on the workstation (Ansible's fetch): `dest/<host>/<src>` by default; with
 * `flat`, dest itself, or `dest/<basename of src>` when dest ends with `/`. Relative dest: against `baseDir`.
 */
export function localPath(a: Pick<FetchOptions, 'src' | 'dest' | 'flat'>, host: string, baseDir: string): string {
  const base = isAbsolute(a.dest) ? resolve(a.dest) : resolve(baseDir, a.dest);
  if (a.flat) return a.dest.endsWith('/') ? join(base, hostBasename(a.src)) : base;
  return join(base, host, a.src);
}

/** sha256 of a local file, read in 1 MiB pieces (a snapshot is never held whole for this). */
export function hashLocalFile(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** The state of the workstation file (the workstation side of fact gathering). */
export function readLocalDest(path: string): LocalDest {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return { path, kind: 'absent' };
    return { path, kind: 'other', what: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (!st.isFile()) return { path, kind: 'other', what: st.isDirectory() ? 'is a directory' : 'is not a regular file' };
  return { path, kind: 'file', sha256: hashLocalFile(path), mode: st.mode & 0o7777, size: st.size };
}

/** A fact answered on the workstation: the host only runs `:` in the batch; keyed by the state it read. */
const localDestFact = defineFact({
  module: 'fetch',
  name: 'localDest',
  script: (_d: LocalDest) => ':',
  parse: (_r, d) => d,
});

export function fetchFacts(a: FetchOptions, ctx: PlanContext): FetchFacts {
  const path = localPath(a, ctx.host, ctx.baseDir ?? process.cwd());
  return { remote: pathFact(a.src, { hash: true }), local: localDestFact(readLocalDest(path)) };
}

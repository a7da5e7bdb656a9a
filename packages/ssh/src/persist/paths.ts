import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import {
  type DaemonInfo,
  type Unsafe,
  infoPath,
  isUnsafe,
  ownedProblem,
  parentsProblem,
  peerProblem,
  persistDir,
  readInfoChecked,
  PERSIST_PROTOCOL,
} from './safe.js';

export { PERSIST_PROTOCOL, infoPath, persistDir };
export type { DaemonInfo };

function unsafe(u: Unsafe): TsplayError {
  return new TsplayError('PERSIST_UNSAFE', `${u.path} ${u.why}: not used for persistent connections`, {
    field: '--persist',
    hint: `remove ${u.path} (tsplay makes it again, owned by you, mode 0700), or run with --persist 0`,
  });
}

const orThrow = (u: Unsafe | undefined): void => {
  if (u) throw unsafe(u);
};

/** Throw PERSIST_UNSAFE unless `path` is what `kind` says, owned by this user, with no group/other bits. */
export function checkOwned(path: string, kind: 'dir' | 'file' | 'socket'): void {
  orThrow(ownedProblem(path, kind));
}

/** Throw PERSIST_UNSAFE when a directory above `dir` could let another user swap the socket's path (safe.ts). */
export function checkParents(dir: string): void {
  orThrow(parentsProblem(dir));
}

/** Throw PERSIST_UNSAFE unless the published daemon is a socket in `dir` of a process of this user (safe.ts). */
export function checkPeer(dir: string, info: DaemonInfo): void {
  orThrow(peerProblem(dir, info));
}

/** Make the directory (0700) when missing, then check it. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  checkOwned(dir, 'dir');
}

/** The published daemon, if the file is there, safe and of this protocol. */
export function readInfo(dir: string): DaemonInfo | undefined {
  const v = readInfoChecked(dir);
  if (isUnsafe(v)) throw unsafe(v);
  return v;
}

/** Publish atomically (temp 0600 file, rename): a client reads the old daemon or the new one, never half of either. */
export function writeInfo(dir: string, info: DaemonInfo): void {
  const tmp = join(dir, `.daemon.json.${process.pid}`);
  rmSync(tmp, { force: true });
  writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, infoPath(dir));
}

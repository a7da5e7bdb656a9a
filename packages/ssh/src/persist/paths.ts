import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { TsplayError } from '@tsplay/core';

/** Bumped whenever the frames change: a client never talks to a daemon of another protocol (it starts its own). */
export const PERSIST_PROTOCOL = 1;

/** What the daemon publishes (0600, in the 0700 directory) for clients to find and prove themselves to it. */
export interface DaemonInfo {
  protocol: number;
  pid: number;
  socket: string;
  token: string;
}

const uid = (): number => process.getuid?.() ?? -1;

/** `$XDG_RUNTIME_DIR/tsplay`, else a 0700 directory under the temp dir named with the uid; `TSPLAY_PERSIST_DIR` overrides both. */
export function persistDir(env: Record<string, string | undefined> = process.env): string {
  const own = env['TSPLAY_PERSIST_DIR'];
  if (own && isAbsolute(own)) return own;
  const xdg = env['XDG_RUNTIME_DIR'];
  return xdg && isAbsolute(xdg) ? join(xdg, 'tsplay') : join(tmpdir(), `tsplay-${uid()}`);
}

function unsafe(path: string, why: string): TsplayError {
  return new TsplayError('PERSIST_UNSAFE', `${path} ${why}: not used for persistent connections`, {
    field: '--persist',
    hint: `remove ${path} (tsplay makes it again, owned by you, mode 0700), or run with --persist 0`,
  });
}

/** Throw PERSIST_UNSAFE unless `path` is what `kind` says, owned by this user, with no group/other bits. */
export function checkOwned(path: string, kind: 'dir' | 'file' | 'socket'): void {
  const s = lstatSync(path);
  const ok = kind === 'dir' ? s.isDirectory() : kind === 'file' ? s.isFile() : s.isSocket();
  if (!ok) throw unsafe(path, `is not a ${kind === 'dir' ? 'directory' : kind}${s.isSymbolicLink() ? ' (a symbolic link)' : ''}`);
  if (s.uid !== uid()) throw unsafe(path, `is owned by uid ${s.uid}, not ${uid()}`);
  if ((s.mode & 0o077) !== 0) throw unsafe(path, `has mode ${(s.mode & 0o777).toString(8)} (group or others may use it)`);
}

/**
 * Every directory above `dir` (symlinks resolved) belongs to root or this user, and no one else can write it
 * (a sticky directory such as /tmp excepted): no other user can swap the path to the socket under us.
 */
export function checkParents(dir: string): void {
  let d = realpathSync(dirname(dir));
  for (;;) {
    const s = lstatSync(d);
    if (s.uid !== 0 && s.uid !== uid()) throw unsafe(d, `(above ${dir}) is owned by uid ${s.uid}`);
    if ((s.mode & 0o022) !== 0 && (s.mode & 0o1000) === 0)
      throw unsafe(d, `(above ${dir}) can be written by others (mode ${(s.mode & 0o777).toString(8)})`);
    if (d === dirname(d)) return;
    d = dirname(d);
  }
}

/**
 * The daemon a client is about to talk to runs as this user: its socket is a socket in `dir`, owned by this
 * user, 0600, and (Linux: /proc) its pid is a process of this user. Node has no SO_PEERCRED; this is the check
 * the platform allows, and the token then proves the daemon read the 0600 daemon.json.
 */
export function checkPeer(dir: string, info: DaemonInfo): void {
  if (dirname(info.socket) !== dir) throw unsafe(info.socket, `is not in ${dir}`);
  checkOwned(info.socket, 'socket');
  const proc = `/proc/${info.pid}`;
  if (existsSync('/proc/self') && (!existsSync(proc) || statSync(proc).uid !== uid()))
    throw unsafe(info.socket, `belongs to pid ${info.pid}, not a process of uid ${uid()}`);
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

export const infoPath = (dir: string): string => join(dir, 'daemon.json');

/** The published daemon, if the file is there, safe and of this protocol. */
export function readInfo(dir: string): DaemonInfo | undefined {
  const path = infoPath(dir);
  try {
    checkOwned(path, 'file');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<DaemonInfo>;
    if (v.protocol !== PERSIST_PROTOCOL || typeof v.socket !== 'string' || typeof v.token !== 'string' || typeof v.pid !== 'number')
      return undefined;
    return v as DaemonInfo;
  } catch {
    return undefined;
  }
}

/** Publish atomically (temp 0600 file, rename): a client reads the old daemon or the new one, never half of either. */
export function writeInfo(dir: string, info: DaemonInfo): void {
  const tmp = join(dir, `.daemon.json.${process.pid}`);
  rmSync(tmp, { force: true });
  writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, infoPath(dir));
}

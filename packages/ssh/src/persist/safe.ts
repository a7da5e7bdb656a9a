import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * The daemon's safety checks as plain data (a reason, or undefined when safe), with node built-ins only:
 * the resident runner's thin client (resident-client.ts) uses them without loading @tsplay/core, and
 * paths.ts turns each reason into a PERSIST_UNSAFE error.
 */

/** Bumped whenever the frames change: a client never talks to a daemon of another protocol (it starts its own). */
export const PERSIST_PROTOCOL = 1;

/** What the daemon publishes (0600, in the 0700 directory) for clients to find and prove themselves to it. */
export interface DaemonInfo {
  protocol: number;
  pid: number;
  socket: string;
  token: string;
}

export const uid = (): number => process.getuid?.() ?? -1;

/** `$XDG_RUNTIME_DIR/tsplay`, else a 0700 directory under the temp dir named with the uid; `TSPLAY_PERSIST_DIR` overrides both. */
export function persistDir(env: Record<string, string | undefined> = process.env): string {
  const own = env['TSPLAY_PERSIST_DIR'];
  if (own && isAbsolute(own)) return own;
  const xdg = env['XDG_RUNTIME_DIR'];
  return xdg && isAbsolute(xdg) ? join(xdg, 'tsplay') : join(tmpdir(), `tsplay-${uid()}`);
}

/** An unsafe path: which one and why. */
export interface Unsafe {
  path: string;
  why: string;
}

/** Why `path` is not what `kind` says, owned by this user, with no group/other bits (undefined: it is). Throws ENOENT. */
export function ownedProblem(path: string, kind: 'dir' | 'file' | 'socket'): Unsafe | undefined {
  const s = lstatSync(path);
  const ok = kind === 'dir' ? s.isDirectory() : kind === 'file' ? s.isFile() : s.isSocket();
  if (!ok) return { path, why: `is not a ${kind === 'dir' ? 'directory' : kind}${s.isSymbolicLink() ? ' (a symbolic link)' : ''}` };
  if (s.uid !== uid()) return { path, why: `is owned by uid ${s.uid}, not ${uid()}` };
  if ((s.mode & 0o077) !== 0) return { path, why: `has mode ${(s.mode & 0o777).toString(8)} (group or others may use it)` };
  return undefined;
}

/**
 * Every directory above `dir` (symlinks resolved) belongs to root or this user, and no one else can write it
 * (a sticky directory such as /tmp excepted): no other user can swap the path to the socket under us.
 */
export function parentsProblem(dir: string): Unsafe | undefined {
  let d = realpathSync(dirname(dir));
  for (;;) {
    const s = lstatSync(d);
    if (s.uid !== 0 && s.uid !== uid()) return { path: d, why: `(above ${dir}) is owned by uid ${s.uid}` };
    if ((s.mode & 0o022) !== 0 && (s.mode & 0o1000) === 0)
      return { path: d, why: `(above ${dir}) can be written by others (mode ${(s.mode & 0o777).toString(8)})` };
    if (d === dirname(d)) return undefined;
    d = dirname(d);
  }
}

/**
 * The daemon a client is about to talk to runs as this user: its socket is a socket in `dir`, owned by this
 * user, 0600, and (Linux: /proc) its pid is a process of this user. Node has no SO_PEERCRED; this is the check
 * the platform allows, and the token then proves the daemon read the 0600 daemon.json.
 */
export function peerProblem(dir: string, info: DaemonInfo): Unsafe | undefined {
  if (dirname(info.socket) !== dir) return { path: info.socket, why: `is not in ${dir}` };
  const owned = ownedProblem(info.socket, 'socket');
  if (owned) return owned;
  const proc = `/proc/${info.pid}`;
  if (existsSync('/proc/self') && (!existsSync(proc) || statSync(proc).uid !== uid()))
    return { path: info.socket, why: `belongs to pid ${info.pid}, not a process of uid ${uid()}` };
  return undefined;
}

export const infoPath = (dir: string): string => join(dir, 'daemon.json');

/** The published daemon, if the file is there and of this protocol; an unsafe file is returned as such. */
export function readInfoChecked(dir: string): DaemonInfo | Unsafe | undefined {
  const path = infoPath(dir);
  let bad: Unsafe | undefined;
  try {
    bad = ownedProblem(path, 'file');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (bad) return bad;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<DaemonInfo>;
    if (v.protocol !== PERSIST_PROTOCOL || typeof v.socket !== 'string' || typeof v.token !== 'string' || typeof v.pid !== 'number')
      return undefined;
    return v as DaemonInfo;
  } catch {
    return undefined;
  }
}

export const isUnsafe = (x: unknown): x is Unsafe => typeof x === 'object' && x !== null && 'why' in x;

/** Default 60 s; `TSPLAY_PERSIST=0` (or `--persist 0`) turns persistence off. Non-numbers count as unset. */
export function persistSeconds(flag: string | number | undefined, env: Record<string, string | undefined> = process.env): number {
  for (const v of [flag, env['TSPLAY_PERSIST']]) {
    if (v === undefined || v === '') continue;
    const n = Number(v);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  return 60;
}

/** Whether a live daemon is published in `dir` (or an unsafe daemon.json: no daemon is started beside that either). */
export function daemonPublished(dir: string): boolean {
  const info = readInfoChecked(dir);
  if (info === undefined) return false;
  return isUnsafe(info) || peerProblem(dir, info) === undefined;
}

import { hostname, userInfo } from 'node:os';
import { TsplayError, quote, type Connection, type ExecResult } from '@tsplay/core';
import { effectiveIds } from '@tsplay/core/transport';

/** Who holds a host's run lock: written on the host by the holder, shown to a run that finds it taken. */
export interface LockHolder {
  user: string;
  workstation: string;
  pid: number;
  /** ISO time the holder took the lock. */
  started: string;
  playbook: string;
}

export interface RunLockOptions {
  /** How long to wait for a held lock; 0 fails at once with `RUN_LOCKED`. */
  waitMs: number;
  playbook: string;
  /**
   * Directory on the host for the lock and holder files. Default: `/run/tsplay` for a root login (root's
   * own, 0700, gone on reboot), else `/run/user/UID/tsplay` (or `~/.tsplay-lock`). It must be the login's
   * own directory, a real one, writable by no one else.
   */
  dir?: string | undefined;
  /** Override the holder fields (tests). */
  holder?: Partial<LockHolder> | undefined;
}

export interface RunLock {
  readonly holder: LockHolder;
  /** Give the lock up now (it is also given up when the connection closes or dies). */
  release(): Promise<void>;
}

/** Root's lock directory (a root login's default): only root can make a directory in /run. */
export const RUN_LOCK_DIR = '/run/tsplay';
/** The script's exit code when the lock stays taken. */
const BUSY_EXIT = 75;
const NO_LOCK_EXIT = 3;

/**
 * The host side: `flock` on `run.lock` in the login's own lock directory (root's `/run/tsplay` for a root
 * login), so that no other user of the host can hold it, swap it or spoof its holder. The directory must be
 * a real directory owned by the login (`test -O`, a builtin): only the login and root can change the mode of
 * a directory the login owns, and a default directory is made 0700 here. A directory named by `dir` (one the
 * login may have made loose) must also be writable by no one else (one `stat`). The lock file is a regular
 * file owned by the login, opened read-write (an open that cannot block: a FIFO swapped in would hang a
 * read-only open). The holder is written through the lock's own descriptor as its first line (no name is
 * opened again, so nothing can be redirected; a longer holder's tail may follow on later lines). Prints
 * `BUSY <holder json>` when taken, `LOCKED` once held, then keeps the lock until its stdin closes (release,
 * connection closed, workstation gone), waiting in the shell's own `read`.
 * One process on a run that finds the lock free in a default directory (flock): the rest are builtins.
 */
export function runLockScript(dir: string | undefined, holder: LockHolder, waitMs: number): string {
  const wait = waitMs > 0 ? `flock -w ${(waitMs / 1000).toFixed(3)} 9 || exit ${BUSY_EXIT}` : `exit ${BUSY_EXIT}`;
  const refuse = (what: string) => `{ echo "${what}" >&2; exit ${NO_LOCK_EXIT}; }`;
  const named = dir !== undefined && dir !== '';
  return [
    `command -v flock >/dev/null 2>&1 || { echo 'flock(1) is not installed on the host (util-linux)' >&2; exit ${NO_LOCK_EXIT}; }`,
    // the effective uid from /proc (builtins: no process), `id -u` where there is none
    `${effectiveIds()}; u=$tsplay_me; [ -n "$u" ] || u=$(id -u); d=${quote(dir ?? '')}`,
    `if [ -z "$d" ]; then if [ "$u" -eq 0 ]; then d=${RUN_LOCK_DIR}; elif [ -d "/run/user/$u" ] && [ -O "/run/user/$u" ]; then d="/run/user/$u/tsplay"; else d="$HOME/.tsplay-lock"; fi; fi`,
    '[ -e "$d" ] || [ -L "$d" ] || mkdir -m 0700 -- "$d" 2>/dev/null',
    `[ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ] || ${refuse('tsplay: the lock directory $d must be a directory owned by uid $u')}`,
    ...(named
      ? [
          `set -- $(stat -c %a -- "$d"); [ $((0$1 & 022)) -eq 0 ] || ${refuse('tsplay: the lock directory $d must be owned by uid $u and writable by no one else')}`,
        ]
      : []),
    'f="$d/run.lock"',
    '[ -e "$f" ] || [ -L "$f" ] || ( umask 077; set -C; : > "$f" ) 2>/dev/null',
    `[ -f "$f" ] && [ ! -L "$f" ] && [ -O "$f" ] || ${refuse('tsplay: the lock file $f is not a regular file owned by uid $u')}`,
    `{ umask 077; exec 9<> "$f"; } || ${refuse('tsplay: could not open the lock file $f')}`,
    'if ! flock -n 9; then',
    // the holder's line, read through a read-write open of its own (fd 9's offset stays at 0); `holder` is where tsplay before 2026-12-07 wrote it
    '  h=; read -r h 0<> "$f"; case $h in "{"*) ;; *) h=; [ -f "$d/holder" ] && [ ! -L "$d/holder" ] && read -r h 0<> "$d/holder";; esac',
    '  echo "BUSY $h"',
    `  ${wait}`,
    'fi',
    `printf '%s\\n' ${quote(JSON.stringify(holder))} >&9`,
    'echo LOCKED',
    'while read -r _; do :; done',
  ].join('\n');
}

/** The holder named in a `BUSY {...}` line, if it parses. */
export function parseBusyLine(stdout: string): Partial<LockHolder> | undefined {
  const line = /^BUSY (.*)$/m.exec(stdout)?.[1]?.trim();
  if (!line) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === 'object' ? (v as Partial<LockHolder>) : undefined;
  } catch {
    return undefined;
  }
}

/** `alice@ws-1 (pid 4242), playbook etcd.ts, since 2026-01-01T10:00:00.000Z`. */
export function describeHolder(h: Partial<LockHolder> | undefined): string {
  if (!h) return 'another run (its holder file could not be read)';
  return `${h.user ?? '?'}@${h.workstation ?? '?'} (pid ${h.pid ?? '?'}), playbook ${h.playbook ?? '?'}, since ${h.started ?? '?'}`;
}

function lockError(host: string, exit: ExecResult, waitMs: number): TsplayError {
  if (exit.code === BUSY_EXIT) {
    const who = describeHolder(parseBusyLine(exit.stdout));
    const waited = waitMs > 0 ? ` (waited ${waitMs} ms)` : '';
    return new TsplayError('RUN_LOCKED', `${host} is locked by another run${waited}: ${who}`, {
      host,
      field: '--wait-lock',
      hint: 'let that run finish, or wait for it with --wait-lock DURATION (e.g. --wait-lock 10m); the lock goes when its SSH connection closes. --check takes no lock',
    });
  }
  return new TsplayError('RUN_LOCK_FAILED', `could not take the run lock on ${host}: ${exit.stderr.trim() || `exit ${exit.code}`}`, {
    host,
    hint: `the lock needs flock(1) (util-linux) and the login's own lock directory (${RUN_LOCK_DIR} for root, /run/user/UID/tsplay otherwise), owned by it and writable by no one else`,
  });
}

/** Take the run lock of the connection's host, or throw `RUN_LOCKED` naming the holder. */
export async function acquireRunLock(conn: Connection, opts: RunLockOptions): Promise<RunLock> {
  if (!conn.hold)
    throw new TsplayError('RUN_LOCK_FAILED', `the transport of ${conn.host} cannot hold a run lock`, {
      host: conn.host,
      hint: 'use an SSH or local connection',
    });
  const holder: LockHolder = {
    user: userInfo().username,
    workstation: hostname(),
    pid: process.pid,
    started: new Date().toISOString(),
    playbook: opts.playbook,
    ...opts.holder,
  };
  const held = await conn.hold(runLockScript(opts.dir, holder, opts.waitMs), { ready: (out) => /^LOCKED$/m.test(out) });
  if (held.exit) throw lockError(conn.host, held.exit, opts.waitMs);
  return { holder, release: () => held.release() };
}

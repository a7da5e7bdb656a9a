import { hostname, userInfo } from 'node:os';
import { TsplayError, quote, type Connection, type ExecResult } from '@tsplay/core';

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
  /** Directory on the host for the lock and holder files (default `/run/lock`: world-writable, sticky, gone on reboot). */
  dir?: string | undefined;
  /** Override the holder fields (tests). */
  holder?: Partial<LockHolder> | undefined;
}

export interface RunLock {
  readonly holder: LockHolder;
  /** Give the lock up now (it is also given up when the connection closes or dies). */
  release(): Promise<void>;
}

export const RUN_LOCK_DIR = '/run/lock';
/** The script's exit code when the lock stays taken. */
const BUSY_EXIT = 75;
const NO_LOCK_EXIT = 3;

/**
 * The host side: `flock` on `tsplay-run.lock`, opened read-only so that any user can lock a file another
 * user created in the sticky lock directory; each user writes its own holder file, the newest names the
 * holder. Prints `BUSY <holder json>` when taken, `LOCKED` once held, then keeps the lock until its
 * stdin closes (release, connection closed, workstation gone).
 */
export function runLockScript(dir: string, holder: LockHolder, waitMs: number): string {
  const d = quote(dir);
  const wait = waitMs > 0 ? `flock -w ${(waitMs / 1000).toFixed(3)} 9 || exit ${BUSY_EXIT}` : `exit ${BUSY_EXIT}`;
  return [
    `d=${d}; f="$d/tsplay-run.lock"`,
    `command -v flock >/dev/null 2>&1 || { echo 'flock(1) is not installed on the host (util-linux)' >&2; exit ${NO_LOCK_EXIT}; }`,
    `[ -e "$f" ] || { true >> "$f"; } 2>/dev/null || true`,
    `exec 9< "$f" || exit ${NO_LOCK_EXIT}`,
    `if ! flock -n 9; then`,
    `  h=$(ls -t "$d"/tsplay-run.holder.* 2>/dev/null | head -n 1)`,
    `  echo "BUSY $( [ -n "$h" ] && head -c 4096 "$h" | head -n 1)"`,
    `  ${wait}`,
    `fi`,
    `u=$(id -u); t="$d/.tsplay-run.holder.$u.$$"`,
    `printf '%s\\n' ${quote(JSON.stringify(holder))} > "$t" && mv -f "$t" "$d/tsplay-run.holder.$u" || rm -f "$t"`,
    `echo LOCKED`,
    `exec cat > /dev/null`,
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
    hint: 'the lock needs flock(1) (util-linux) and a writable /run/lock (or /tmp) on the host',
  });
}

/** Take the run lock of the connection's host, or throw `RUN_LOCKED` naming the holder. */
export async function acquireRunLock(conn: Connection, opts: RunLockOptions): Promise<RunLock> {
  if (!conn.hold)
    throw new TsplayError('RUN_LOCK_FAILED', `the transport of ${conn.host} cannot hold a run lock`, { host: conn.host, hint: 'use an SSH or local connection' });
  const holder: LockHolder = {
    user: userInfo().username,
    workstation: hostname(),
    pid: process.pid,
    started: new Date().toISOString(),
    playbook: opts.playbook,
    ...opts.holder,
  };
  const held = await conn.hold(runLockScript(opts.dir ?? RUN_LOCK_DIR, holder, opts.waitMs), { ready: (out) => /^LOCKED$/m.test(out) });
  if (held.exit) throw lockError(conn.host, held.exit, opts.waitMs);
  return { holder, release: () => held.release() };
}

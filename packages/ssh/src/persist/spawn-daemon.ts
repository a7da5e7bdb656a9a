import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Unsafe, daemonPublished, ownedProblem, parentsProblem } from './safe.js';

/**
 * Start the daemon detached (its own session, no stdio, cwd /), for `dir`, with a bare env: PATH, HOME, LANG,
 * TSPLAY_PERSIST (how long a resident daemon waits for its first run),
 * and TSPLAY_RESIDENT (whether it also hosts runs; each hosted run brings its own env).
 */
export function spawnDaemon(cmd: readonly string[], dir: string): void {
  const [file, ...args] = cmd;
  if (!file) return;
  const env: Record<string, string> = { TSPLAY_PERSIST_DIR: dir };
  for (const k of ['PATH', 'HOME', 'LANG', 'TSPLAY_RESIDENT', 'TSPLAY_PERSIST']) if (process.env[k]) env[k] = process.env[k] as string;
  spawn(file, args, { detached: true, stdio: 'ignore', cwd: '/', env }).unref();
}

/** Make `dir` and its parent (0700) when missing, after checking what is above them; why not, when unsafe. */
export function prepareDirs(dir: string): Unsafe | undefined {
  const up = parentsProblem(dirname(dir));
  if (up) return up;
  for (const d of [dirname(dir), dir]) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const bad = ownedProblem(d, 'dir');
    if (bad) return bad;
  }
  return undefined;
}

/** How long a client waits for a daemon it started to publish itself before it goes on without one. */
export const DAEMON_START_WAIT_MS = 3000;

/** `ready()` every 15 ms (the first after 15 ms) until it gives a value or `ms` pass: that value, or undefined. */
export async function waitStarted<T>(
  ready: () => T | undefined | Promise<T | undefined>,
  ms = DAEMON_START_WAIT_MS,
): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 15));
    const v = await ready();
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Start a daemon for `dir` unless one is published there, then wait at most `ms` for one to be: whether one is. */
export async function startDaemon(cmd: readonly string[], dir: string, ms = DAEMON_START_WAIT_MS): Promise<boolean> {
  if (daemonPublished(dir)) return true;
  spawnDaemon(cmd, dir);
  return (await waitStarted(() => (daemonPublished(dir) ? true : undefined), ms)) === true;
}

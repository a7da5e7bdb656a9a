import { readFileSync } from 'node:fs';
import { TsplayError } from '@tsplay/core';
import { $ as zx, ProcessOutput } from 'zx';

/**
 * The environment of the lab's commands: this process's, with SHLVL at least 1. bash -c reads ~/.bashrc when it
 * thinks rshd started it: not interactive, stdin a socket (node's pipes are socket pairs) and SHLVL unset or 0
 * (node started by something other than a shell: CI, a service). A root ~/.bashrc that runs `pyenv init` then
 * cost ~0.5 s per command, and 10-25 s with 16 at once (pyenv's rehash lock): 4 minutes for the networks of 500
 * hosts. Pure.
 */
export function commandEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, SHLVL: String(Math.max(1, Number(env['SHLVL']) || 0)) };
}

/** zx, quiet: local orchestration commands of the lab (never remote ones). */
export const $ = zx({ quiet: true, verbose: false, env: commandEnv(process.env) });
/** Same, but a non-zero exit is data, not an exception. */
export const $ok = zx({ quiet: true, verbose: false, nothrow: true, env: commandEnv(process.env) });

export type Log = (line: string) => void;

function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** Run a step; turn a failed command into LAB_FAILED naming the step and the command's stderr. */
export async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof TsplayError) throw e;
    const detail = e instanceof ProcessOutput ? tail(e.stderr || e.stdout) || `exit ${e.exitCode}` : String(e);
    throw new TsplayError('LAB_FAILED', `${what}: ${detail}`, { cause: e });
  }
}

/** True when the process exists and is not a zombie. */
export function alive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The process's argv, or [] when it is gone. */
export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Promise.all that waits for every promise to settle before it rejects: nothing keeps running behind a failure. */
export async function settleAll<T extends readonly unknown[]>(ps: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const results = await Promise.allSettled(ps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TsplayError } from '@tsplay/core';

/**
 * Run a real tool (ansible-vault, age, age-keygen) for an interop test. A missing tool is a loud
 * failure naming what CI must install, never a skip.
 */
export function tool(name: string, args: readonly string[], opts: { input?: string; cwd?: string } = {}): string {
  try {
    return execFileSync(name, args, {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      input: opts.input ?? '',
      cwd: opts.cwd,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT')
      throw new Error(`${name} is not installed: the secrets interop tests need Debian's ansible-core and age (.ci/run installs them)`);
    throw new Error(`${name} ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

/** A fresh temp dir and its removal. */
export function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-secrets-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The TsplayError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function rejection(p: Promise<unknown>): Promise<TsplayError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TsplayError) return e;
    throw e;
  }
  throw new Error('expected a TsplayError, and the call succeeded');
}

import { rm, writeFile } from 'node:fs/promises';
import { run } from './run.js';

// useradd/userdel lock /etc/passwd: test files running in parallel take turns.
const LOCK = '/tmp/tsplay-useradd.lock';
const sudoersFile = (name: string): string => `/etc/sudoers.d/tsplay-test-${name}`;

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('creating test users needs root (run the ssh tests as root, as .ci/run does)');
}

/** A local user with a home and an unlocked (but unusable) password, optionally with passwordless sudo. */
export async function createTestUser(name: string, opts: { sudo?: boolean } = {}): Promise<void> {
  requireRoot();
  await removeTestUser(name);
  await run('flock', [LOCK, 'useradd', '--create-home', '--shell', '/bin/bash', '--password', '*', name]);
  if (opts.sudo) {
    await writeFile(sudoersFile(name), `${name} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
    await run('visudo', ['-c', '-q', '-f', sudoersFile(name)]);
  }
}

export async function removeTestUser(name: string): Promise<void> {
  await rm(sudoersFile(name), { force: true });
  await run('flock', [LOCK, 'userdel', '--force', '--remove', name]).catch((e: Error) => {
    if (!/does not exist/.test(e.message)) throw e;
  });
}

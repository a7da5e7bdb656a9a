import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { closeAnsibleMasters, stopTsplayDaemons } from './persisted.js';

const dirs: string[] = [];
const kids: ChildProcess[] = [];
afterEach(() => {
  for (const k of kids.splice(0)) k.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A checkout whose CLI is a process that only waits, started as `node <root>/packages/cli/bin/tsplay.js __persist-daemon`. */
function fakeDaemon(): { root: string; child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-persisted-'));
  dirs.push(root);
  mkdirSync(join(root, 'packages/cli/bin'), { recursive: true });
  writeFileSync(join(root, 'packages/cli/bin/tsplay.js'), 'setInterval(() => {}, 1000); process.stdout.write("up\\n");\n');
  const child = spawn(process.execPath, [join(root, 'packages/cli/bin/tsplay.js'), '__persist-daemon'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  kids.push(child);
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
  return { root, child, exited };
}

const started = (c: ChildProcess) => new Promise<void>((res) => c.stdout?.once('data', () => res()));

describe('the bench lets its persisted connections go', () => {
  test("stops this checkout's persist daemon and leaves another checkout's running", async () => {
    const mine = fakeDaemon();
    const other = fakeDaemon();
    await Promise.all([started(mine.child), started(other.child)]);
    expect(stopTsplayDaemons(mine.root)).toBe(1);
    expect(await mine.exited).toBe('SIGTERM');
    expect(other.child.exitCode).toBeNull();
    expect(other.child.signalCode).toBeNull();
  });

  test('closes the Ansible masters of a control directory (none, or sockets gone stale) and removes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-persisted-cp-'));
    dirs.push(dir);
    expect(closeAnsibleMasters(join(dir, 'missing'))).toBe(0);
    writeFileSync(join(dir, 'stale-socket'), '');
    expect(closeAnsibleMasters(dir)).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });
});

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fingerprint, run, tempDir } from '../common/testing.js';
import { requireRoot } from '../testing/require-root.js';
import { unarchive } from './index.js';

// Issue 25: extracting as root into a dest whose subdirectories a host user owns.
const user = `tsplay-ua${process.pid}`;
let uid = 0;
let gid = 0;
let base: string;
let archive: string;
let rootDir: string;

beforeAll(() => {
  requireRoot('a throwaway user owns a directory under dest');
  const u = spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'useradd', '-M', '-N', '-s', '/usr/sbin/nologin', user], { encoding: 'utf8' });
  expect(u.status, u.stderr).toBe(0);
  uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout);
  gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout);
  base = tempDir('tsplay-unarchive-sec-');
  chmodSync(base, 0o755);
  rootDir = join(base, 'root-only');
  mkdirSync(rootDir, { mode: 0o700 });
  // The archive: app/bin/tool, and pub/ (0777) with a file in it.
  const src = join(base, 'src');
  mkdirSync(join(src, 'app/bin'), { recursive: true });
  writeFileSync(join(src, 'app/bin/tool'), 'tool v2\n', { mode: 0o755 });
  mkdirSync(join(src, 'pub'));
  chmodSync(join(src, 'pub'), 0o777);
  writeFileSync(join(src, 'pub/readme'), 'hi\n');
  archive = join(base, 'a.tar.gz');
  const t = spawnSync('tar', ['-czf', archive, '-C', src, '--owner=0', '--group=0', 'app', 'pub'], { encoding: 'utf8' });
  expect(t.status, t.stderr).toBe(0);
});
afterAll(() => {
  cleanup();
  spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'userdel', user]);
});

function dest(name: string): string {
  const d = join(base, name);
  mkdirSync(d, { mode: 0o755 });
  return d;
}

/** --check predicts it (from the members' targets) and the real run refuses: UNSAFE_PATH naming `dir`, nothing changed. */
async function refused(d: string, dir: string): Promise<void> {
  const before = [fingerprint(d), fingerprint(rootDir)];
  for (const check of [true, false]) {
    const e = await run(unarchive, { src: archive, dest: d }, { check });
    expect([check, e.outcome.status, e.error?.code, e.error?.field]).toEqual([check, 'failed', 'UNSAFE_PATH', dir]);
  }
  expect([fingerprint(d), fingerprint(rootDir)]).toEqual(before);
}

describe('unarchive into a dest with a subdirectory another user owns', () => {
  it('the user planted a symlink there: refused, nothing lands in the root-only directory (before: tool was moved into it)', async () => {
    const d = dest('planted');
    mkdirSync(join(d, 'app'));
    chownSync(join(d, 'app'), uid, gid);
    symlinkSync(rootDir, join(d, 'app/bin'));
    await refused(d, join(d, 'app'));
    // A fresh run (the only named target is missing: the plan does not read the archive): the apply's own check.
    const fresh = await run(unarchive, { src: archive, dest: d, include: ['app/bin/tool'] });
    expect([fresh.plan?.summary, fresh.error?.code, fresh.error?.field]).toEqual([
      `would extract 1 member(s) into ${d}: app/bin/tool (missing)`,
      'UNSAFE_PATH',
      join(d, 'app'),
    ]);
    expect(readdirSync(rootDir)).toEqual([]);
    expect(readdirSync(d).sort()).toEqual(['app']);
  });

  it('the subdirectory alone is enough (the user can swap it at any time): refused by name', async () => {
    const d = dest('owned');
    mkdirSync(join(d, 'app'));
    chownSync(join(d, 'app'), uid, gid);
    await refused(d, join(d, 'app'));
    chmodSync(join(d, 'app'), 0o777);
    chownSync(join(d, 'app'), 0, 0);
    await refused(d, join(d, 'app'));
  });

  it("a root-owned symlink to a root-only directory is followed; new directories get the archive's mode at the end", async () => {
    const d = dest('ok');
    const real = join(base, 'real-app');
    mkdirSync(real, { mode: 0o755 });
    symlinkSync(real, join(d, 'app'));
    const e = await run(unarchive, { src: archive, dest: d });
    expect([e.outcome.status, e.error?.code]).toEqual(['changed', undefined]);
    expect(readFileSync(join(real, 'bin/tool'), 'utf8')).toBe('tool v2\n');
    expect(statSync(join(real, 'bin')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(d, 'pub')).mode & 0o7777).toBe(0o777);
    expect(readFileSync(join(d, 'pub/readme'), 'utf8')).toBe('hi\n');
    expect(readdirSync(d).sort()).toEqual(['app', 'pub']);
    expect(existsSync(join(d, 'app/bin/tool'))).toBe(true);
  });

  it('a symlink owned by the user in a root directory is refused', async () => {
    const d = dest('userlink');
    symlinkSync(rootDir, join(d, 'app'));
    spawnSync('chown', ['-h', `${uid}:${gid}`, join(d, 'app')]);
    await refused(d, join(d, 'app'));
  });
});

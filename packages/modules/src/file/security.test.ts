import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRoot } from '../testing/require-root.js';
import { cleanup, fingerprint, run, tempDir } from '../common/testing.js';
import { file } from './index.js';

// Issue 25: a host user who owns a directory on (or below) the path cannot turn root's file task against other files.
const user = `tsplay-fs${process.pid}`;
let uid = 0;
let gid = 0;
let base: string;
let rootDir: string;
let secret: string;
let home: string;

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const oracle = (p: string) => {
  const st = lstatSync(p);
  return { uid: st.uid, mode: st.mode & 0o7777, sha: sha(p) };
};

beforeAll(() => {
  requireRoot('a throwaway user owns the directories');
  const u = spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'useradd', '-M', '-N', '-s', '/usr/sbin/nologin', user], { encoding: 'utf8' });
  expect(u.status, u.stderr).toBe(0);
  uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout);
  gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout);
  base = tempDir('tsplay-file-sec-');
  chmodSync(base, 0o755);
  rootDir = join(base, 'root-only');
  mkdirSync(rootDir, { mode: 0o700 });
  secret = join(rootDir, 'secret');
  writeFileSync(secret, 'root secret\n', { mode: 0o600 });
  // The user's home, with a symlink it planted where a playbook expects a directory.
  home = join(base, 'home');
  mkdirSync(home, { mode: 0o755 });
  chownSync(home, uid, gid);
  symlinkSync(rootDir, join(home, 'dotdir'));
});
afterAll(() => {
  cleanup();
  spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'userdel', user]);
});

/** Check mode and the real run both fail with UNSAFE_PATH naming `dir`, and nothing under base changes. */
async function refused(args: Record<string, unknown>, dir: string): Promise<void> {
  const before = fingerprint(base);
  for (const check of [true, false]) {
    const e = await run(file, args, { check });
    expect([check, e.outcome.status, e.error?.code, e.error?.field]).toEqual([check, 'failed', 'UNSAFE_PATH', dir]);
  }
  expect(fingerprint(base)).toEqual(before);
}

describe('file through a symlink the owner of a directory on the path planted', () => {
  it('state absent is refused: the root-only file stays (before: rm -rf removed it)', async () => {
    await refused({ path: join(home, 'dotdir', 'secret'), state: 'absent' }, home);
    expect(oracle(secret)).toEqual({ uid: 0, mode: 0o600, sha: sha(secret) });
  });

  it('state link (new, and replacing a link) and state touch are refused (before: made in the root-only directory)', async () => {
    await refused({ path: join(home, 'dotdir', 'evil'), state: 'link', src: '/etc/passwd' }, home);
    symlinkSync('/nowhere', join(rootDir, 'old-link'));
    await refused({ path: join(home, 'dotdir', 'old-link'), state: 'link', src: '/etc/passwd' }, home);
    await refused({ path: join(home, 'dotdir', 'new'), state: 'touch' }, home);
    expect(readdirSync(rootDir).sort()).toEqual(['old-link', 'secret']);
  });

  it("the user's own file in the user's directory is removed as that user", async () => {
    const mine = join(home, 'mine');
    writeFileSync(mine, 'x');
    chownSync(mine, uid, gid);
    const e = await run(file, { path: mine, state: 'absent' });
    expect([e.outcome.status, e.error?.code]).toEqual(['changed', undefined]);
    expect(existsSync(mine)).toBe(false);
  });
});

describe('recurse below a directory another user can change', () => {
  function tree(name: string): string {
    const top = join(base, name);
    mkdirSync(join(top, 'sub'), { recursive: true, mode: 0o755 });
    writeFileSync(join(top, 'sub', 'f'), 'f\n', { mode: 0o644 });
    return top;
  }

  it("a subdirectory owned by a user (not the task's owner) is refused by name, before anything changes", async () => {
    const top = tree('r-user');
    chownSync(join(top, 'sub'), uid, gid);
    await refused({ path: top, state: 'directory', mode: '0700', recurse: true }, join(top, 'sub'));
    await refused({ path: top, state: 'directory', owner: 'root', group: 'root', recurse: true }, join(top, 'sub'));
  });

  it('a world-writable subdirectory is refused even with the sticky bit, and a group-writable one of a non-root group', async () => {
    const top = tree('r-sticky');
    chmodSync(join(top, 'sub'), 0o1777);
    await refused({ path: top, state: 'directory', mode: '0700', recurse: true }, join(top, 'sub'));
    const g = tree('r-group');
    chownSync(join(g, 'sub'), 0, gid);
    chmodSync(join(g, 'sub'), 0o775);
    await refused({ path: g, state: 'directory', mode: '0700', recurse: true }, join(g, 'sub'));
  });

  it('a root-only tree is changed: modes post-order, then owner (links only chowned, never followed)', async () => {
    const top = tree('r-root');
    symlinkSync(secret, join(top, 'sub', 'to-secret'));
    const e = await run(file, { path: top, state: 'directory', mode: '0750', owner: user, recurse: true });
    expect([e.outcome.status, e.error?.code]).toEqual(['changed', undefined]);
    for (const p of [top, join(top, 'sub'), join(top, 'sub', 'f')])
      expect([p, statSync(p).uid, statSync(p).mode & 0o7777]).toEqual([p, uid, 0o750]);
    expect(lstatSync(join(top, 'sub', 'to-secret')).uid).toBe(uid);
    expect(oracle(secret)).toEqual({ uid: 0, mode: 0o600, sha: sha(secret) });
  });

  it("10 recursions owned by the user while it swaps every file for a symlink to a root-only file: the file's owner, mode and sha256 stay", async () => {
    const top = join(base, 'r-race');
    mkdirSync(join(top, 'sub'), { recursive: true });
    const names = Array.from({ length: 40 }, (_, i) => join(top, 'sub', `f${i}`));
    for (const n of names) writeFileSync(n, 'x');
    spawnSync('chown', ['-R', `${uid}:${gid}`, top]);
    const before = oracle(secret);
    const loop = `while :; do for f in ${names.join(' ')}; do : > "$f.n"; mv -f "$f.n" "$f"; ln -sfn ${secret} "$f.l"; mv -f "$f.l" "$f"; done; done`;
    const attacker = spawn('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '/bin/sh', '-c', loop], {
      stdio: 'ignore',
      detached: true,
    });
    try {
      for (let i = 0; i < 10; i++) {
        const e = await run(file, { path: top, state: 'directory', owner: user, mode: i % 2 ? '0700' : '0755', recurse: true });
        expect(e.error?.code ?? 'ok').not.toBe('UNSAFE_PATH');
      }
    } finally {
      if (attacker.pid) process.kill(-attacker.pid, 'SIGKILL');
    }
    expect(oracle(secret)).toEqual(before);
    expect(oracle(secret)).toMatchObject({ uid: 0, mode: 0o600 });
  });
});

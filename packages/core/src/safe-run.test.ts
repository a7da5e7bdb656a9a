import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeCheckFunctions, safeRunScript } from './safe-run.js';
import { safeMkdirScript, safeWriteRefusal, safeWriteScript, UNSAFE_PATH_EXIT } from './safe-write.js';

// Runs the generated shell under /bin/sh as root, with a throwaway unprivileged user (as safe-write.test.ts).
const user = `tsplay-sr${process.pid}`;
let uid = 0;
let gid = 0;
let base: string;
let rootDir: string;
let home: string;

function sh(script: string, input = ''): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', script], { input, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const u = spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'useradd', '-M', '-N', '-s', '/usr/sbin/nologin', user], { encoding: 'utf8' });
  expect(u.status, u.stderr).toBe(0);
  uid = Number(sh(`id -u ${user}`).stdout);
  gid = Number(sh(`id -g ${user}`).stdout);
  base = await mkdtemp(join(tmpdir(), 'tsplay-sr-'));
  await chmod(base, 0o755);
  rootDir = join(base, 'root-only');
  await mkdir(rootDir, { mode: 0o700 });
  await writeFile(join(rootDir, 'victim'), 'root data\n', { mode: 0o600 });
  // The user's home, with a symlink it planted where the playbook expects a directory.
  home = join(base, 'home');
  await mkdir(home, { mode: 0o755 });
  await chown(home, uid, gid);
  await symlink(rootDir, join(home, 'dotdir'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
  spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'userdel', user]);
});

const refusedAt = (r: { code: number; stdout: string; stderr: string }, path: string) => [r.code, safeWriteRefusal(r, path)?.field];

describe('a symlink planted on the way by the owner of a directory (issue 25)', () => {
  it("root's write through it is refused, naming the user's directory (before: written into the root-only directory)", async () => {
    const p = join(home, 'dotdir', 'authorized_keys');
    const r = sh(safeWriteScript({ path: p, mode: 0o600 }, 'cat > "$TSPLAY_TMP"'), 'key\n');
    expect(refusedAt(r, p)).toEqual([UNSAFE_PATH_EXIT, home]);
    expect((await readdir(rootDir)).sort()).toEqual(['victim']);
  });

  it("a write owned by that user runs as the user: it cannot land in root's directory", async () => {
    const p = join(home, 'dotdir', 'authorized_keys');
    const r = sh(safeWriteScript({ path: p, owner: user, mode: 0o600 }, 'cat > "$TSPLAY_TMP"'), 'key\n');
    expect(r.code).not.toBe(0);
    expect((await readdir(rootDir)).sort()).toEqual(['victim']);
  });

  it('mkdir -p through it is refused', async () => {
    const p = join(home, 'dotdir', 'made');
    const r = sh(safeMkdirScript({ path: p }));
    expect(refusedAt(r, p)).toEqual([UNSAFE_PATH_EXIT, home]);
    expect((await readdir(rootDir)).sort()).toEqual(['victim']);
  });

  it('safeRunScript: rm through it is refused, and so is ln; the root-only file stays', async () => {
    const p = join(home, 'dotdir', 'victim');
    const rm = sh(safeRunScript({ path: p }, 'rm -rf -- "$tsplay_dst"'));
    expect(refusedAt(rm, p)).toEqual([UNSAFE_PATH_EXIT, home]);
    const ln = sh(safeRunScript({ path: join(home, 'dotdir', 'l') }, `ln -s /etc/passwd "$tsplay_dst"`));
    expect(ln.code).toBe(UNSAFE_PATH_EXIT);
    expect((await readdir(rootDir)).sort()).toEqual(['victim']);
    expect((await stat(join(rootDir, 'victim'))).uid).toBe(0);
  });

  it("safeRunScript runs as the owner in the owner's own directory, as root in a root-only one", async () => {
    await writeFile(join(home, 'mine'), 'x');
    await chown(join(home, 'mine'), uid, gid);
    const asOwner = sh(safeRunScript({ path: join(home, 'mine'), owner: user }, 'id -u; rm -f -- "$tsplay_dst"'));
    expect([asOwner.code, asOwner.stdout.trim()]).toEqual([0, String(uid)]);
    expect(await readdir(home)).not.toContain('mine');
    const asRoot = sh(safeRunScript({ path: join(rootDir, 'x') }, 'id -u; echo "$tsplay_dst"'));
    expect([asRoot.code, asRoot.stdout]).toEqual([0, `0\n${rootDir}/x\n`]);
  });
});

describe('safeCheckFunctions: the check for directories found on the host', () => {
  it("refuses the user's directory by name, passes a root one, and sets tsplay_as for the target owner's", () => {
    const run = (owner: string | undefined, dir: string) => sh(`${safeCheckFunctions(owner)}\ntsplay_check "${dir}"\necho "as=$tsplay_as"`);
    const bad = run(undefined, home);
    expect([bad.code, bad.stderr.trim()]).toEqual([UNSAFE_PATH_EXIT, `tsplay-unsafe-path: ${home}`]);
    expect(run(undefined, rootDir)).toMatchObject({ code: 0, stdout: 'as=\n' });
    expect(run(user, home)).toMatchObject({ code: 0, stdout: 'as=1\n' });
  });
});

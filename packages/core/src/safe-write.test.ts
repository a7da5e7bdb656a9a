import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  UNSAFE_PATH_EXIT,
  safeAttrScript,
  safeMkdirScript,
  safeWriteRefusal,
  safeWriteScript,
  type SafeWriteTarget,
} from './safe-write.js';

// Runs the generated shell under /bin/sh (dash on Debian) as root, with a throwaway unprivileged user.
const user = `tsplay-sw${process.pid}`;
let uid = 0;
let gid = 0;
let base: string;
let secretFile: string;

function sh(script: string, input = ''): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', script], { input, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
const write = (t: SafeWriteTarget, input: string) => sh(safeWriteScript(t, 'cat > "$TSPLAY_TMP"'), input);
const sha = async (p: string) =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');
const modeOf = async (p: string) => (await stat(p)).mode & 0o7777;

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  const u = spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'useradd', '-M', '-N', '-s', '/usr/sbin/nologin', user], { encoding: 'utf8' });
  expect(u.status, u.stderr).toBe(0);
  uid = Number(sh(`id -u ${user}`).stdout);
  gid = Number(sh(`id -g ${user}`).stdout);
  base = await mkdtemp(join(tmpdir(), 'tsplay-sw-'));
  await chmod(base, 0o755);
  secretFile = join(base, 'root-only');
  await writeFile(secretFile, 'root secret\n', { mode: 0o600 });
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
  spawnSync('flock', ['/tmp/tsplay-useradd.lock', 'userdel', user]);
});

async function userDir(name: string): Promise<string> {
  const d = join(base, name);
  await mkdir(d, { mode: 0o755 });
  await chown(d, uid, gid);
  return d;
}

describe('safeWriteScript', () => {
  it('writes as root into a root-only directory: content, owner, mode; odd names quoted', async () => {
    const d = join(base, "it's $(touch pwned) dir");
    await mkdir(d, { mode: 0o755 });
    const p = join(d, 'a "b" $x.conf');
    const r = write({ path: p, owner: user, group: 'root', mode: 0o640 }, 'hello\n');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(await readFile(p, 'utf8')).toBe('hello\n');
    const st = await stat(p);
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([uid, 0, 0o640]);
    expect(await readdir(d)).toEqual(['a "b" $x.conf']);
    expect(await readdir(base)).not.toContain('pwned');
  });

  it('no mode: a secret is 0600 over an old 0644 file; otherwise the old mode stays, and a new file is 0644', async () => {
    const d = join(base, 'modes');
    await mkdir(d, { mode: 0o755 });
    await writeFile(join(d, 's'), 'old', { mode: 0o644 });
    await writeFile(join(d, 'k'), 'old', { mode: 0o640 });
    expect(write({ path: join(d, 's'), secret: true }, 'pw').code).toBe(0);
    expect(write({ path: join(d, 'k') }, 'new').code).toBe(0);
    expect(write({ path: join(d, 'n') }, 'new').code).toBe(0);
    expect([await modeOf(join(d, 's')), await modeOf(join(d, 'k')), await modeOf(join(d, 'n'))]).toEqual([0o600, 0o640, 0o644]);
  });

  it('a given mode without x bits that its owner can write (or a secret) is the mode the temp file is made with: no chmod, no mktemp', async () => {
    const d = join(base, 'made');
    await mkdir(d, { mode: 0o755 });
    // the fill records the temp file's mode before anything else runs on it
    const fill = 'stat -c %a "$TSPLAY_TMP" > "$TSPLAY_DIR/.seen"; cat > "$TSPLAY_TMP"';
    const cases: [SafeWriteTarget, number, boolean][] = [
      [{ path: join(d, 'a'), mode: 0o644 }, 0o644, false],
      [{ path: join(d, 'b'), mode: 0o600 }, 0o600, false],
      [{ path: join(d, 'c'), secret: true }, 0o600, false],
      [{ path: join(d, 'd'), mode: 0o640 }, 0o640, false],
      [{ path: join(d, 'e'), mode: 0o755 }, 0o755, true],
      [{ path: join(d, 'g'), mode: 0o444 }, 0o444, true],
      [{ path: join(d, 'f'), owner: 'root', mode: 0o644 }, 0o644, true],
    ];
    for (const [t, mode, chmods] of cases) {
      const script = safeWriteScript(t, fill);
      expect(script).not.toContain('mktemp');
      expect(/chmod \S+ "\$TSPLAY_TMP"/.test(script), t.path).toBe(chmods);
      expect(sh(script, 'x\n')).toMatchObject({ code: 0, stderr: '' });
      expect(await readFile(t.path, 'utf8')).toBe('x\n');
      expect(await modeOf(t.path), t.path).toBe(mode);
      // made with its final mode, or 0600 (the body's umask) until the chmod after the fill
      expect((await readFile(join(d, '.seen'), 'utf8')).trim(), t.path).toBe((chmods ? 0o600 : mode).toString(8));
    }
    expect((await readdir(d)).sort()).toEqual(['.seen', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('a user other than root writes a 0400 file of its own (made 0600, filled, then chmod)', async () => {
    const d = await userDir('own-ro');
    const p = join(d, 'id_key');
    const script = safeWriteScript({ path: p, mode: 0o400 }, 'cat > "$TSPLAY_TMP"');
    const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '/bin/sh', '-c', script], {
      input: 'k\n',
      encoding: 'utf8',
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(await readFile(p, 'utf8')).toBe('k\n');
    const st = await stat(p);
    expect([st.uid, st.mode & 0o7777]).toEqual([uid, 0o400]);
  });

  it('the temp name is new each time and never an existing entry: a symlink at it fails the write, nothing followed', async () => {
    const d = join(base, 'taken');
    await mkdir(d, { mode: 0o755 });
    const p = join(d, 'conf');
    const names = new Set(
      [1, 2, 3].map(
        () => /tsplay_tn="\$TSPLAY_DIR\/\.\$TSPLAY_NAME\.tsplay-([0-9A-Za-z]{6})"/.exec(safeWriteScript({ path: p }, ':'))?.[1],
      ),
    );
    expect(names.size).toBe(3);
    const script = safeWriteScript({ path: p, mode: 0o644 }, 'cat > "$TSPLAY_TMP"');
    const tmp = join(d, `.conf.tsplay-${/\.tsplay-([0-9A-Za-z]{6})"/.exec(script)?.[1]}`);
    const before = [await sha(secretFile), await modeOf(secretFile)];
    await symlink(secretFile, tmp);
    const r = sh(script, 'x\n');
    expect(r.code).not.toBe(0);
    expect([await sha(secretFile), await modeOf(secretFile)]).toEqual(before);
    expect((await lstat(tmp)).isSymbolicLink()).toBe(true);
    expect(await readdir(d)).toEqual(['.conf.tsplay-' + tmp.split('.tsplay-')[1]]);
  });

  it('refuses a directory another user owns (no owner given), with UNSAFE_PATH naming it, and writes nothing', async () => {
    const d = await userDir('theirs');
    const r = write({ path: join(d, 'f'), mode: 0o644 }, 'x');
    expect(r.code).toBe(UNSAFE_PATH_EXIT);
    const e = safeWriteRefusal(r, join(d, 'f'));
    expect(e?.code).toBe('UNSAFE_PATH');
    expect(e?.field).toBe(d);
    expect(await readdir(d)).toEqual([]);
    expect(safeWriteRefusal({ code: 1, stdout: '', stderr: 'x' }, 'f')).toBeUndefined();
  });

  it('refuses group- or world-writable directories without the sticky bit, even higher up, and through a symlinked path', async () => {
    const ww = join(base, 'ww');
    await mkdir(join(ww, 'sub'), { recursive: true });
    await chmod(ww, 0o777);
    expect(safeWriteRefusal(write({ path: join(ww, 'sub', 'f') }, 'x'), 'f')?.field).toBe(ww);
    const gw = join(base, 'gw');
    await mkdir(gw);
    await chown(gw, 0, gid);
    await chmod(gw, 0o775);
    expect(safeWriteRefusal(write({ path: join(gw, 'f') }, 'x'), 'f')?.field).toBe(gw);
    const link = join(base, 'link-to-ww');
    await symlink(join(ww, 'sub'), link);
    expect(safeWriteRefusal(write({ path: join(link, 'f') }, 'x'), 'f')?.field).toBe(ww);
    const sticky = join(base, 'sticky');
    await mkdir(sticky);
    await chmod(sticky, 0o1777);
    expect(write({ path: join(sticky, 'f') }, 'x').code).toBe(0);
  });

  it("in the target owner's directory the whole write runs as that owner", async () => {
    const d = await userDir('mine');
    const r = sh(safeWriteScript({ path: join(d, 'who'), owner: user, mode: 0o600 }, 'id -u > "$TSPLAY_TMP"'));
    expect(r).toMatchObject({ code: 0 });
    expect((await readFile(join(d, 'who'), 'utf8')).trim()).toBe(String(uid));
    expect((await stat(join(d, 'who'))).uid).toBe(uid);
  });

  it('a symlink renamed over the temp file between fill and chown/chmod cannot redirect them onto a root-only file', async () => {
    const d = await userDir('swap-once');
    const before = [await sha(secretFile), (await stat(secretFile)).uid, await modeOf(secretFile)];
    // The owner of the directory swaps the temp name for a symlink at the worst moment (the fill runs as it).
    const attack = `printf x > "$TSPLAY_TMP"; ln -s ${JSON.stringify(secretFile)} "$TSPLAY_TMP.l" && mv -f "$TSPLAY_TMP.l" "$TSPLAY_TMP"`;
    const r = sh(safeWriteScript({ path: join(d, 'authorized_keys'), owner: user, mode: 0o644 }, attack));
    expect(r.code).not.toBe(0);
    expect([await sha(secretFile), (await stat(secretFile)).uid, await modeOf(secretFile)]).toEqual(before);
  });

  it('25 writes while the directory owner swaps symlinks over every name in a loop: the root-only file is untouched', async () => {
    const d = await userDir('swap-loop');
    const before = [await sha(secretFile), (await stat(secretFile)).uid, await modeOf(secretFile)];
    const loop = `while :; do for f in ${d}/.*tsplay*; do ln -sf ${secretFile} "$f.l" 2>/dev/null; mv -f "$f.l" "$f" 2>/dev/null; done; done`;
    const attacker = spawn('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '/bin/sh', '-c', loop], {
      stdio: 'ignore',
      detached: true,
    });
    try {
      for (let i = 0; i < 25; i++) write({ path: join(d, 'authorized_keys'), owner: user, mode: 0o600 }, `key ${i}\n`);
    } finally {
      process.kill(-attacker.pid!, 'SIGKILL');
    }
    expect([await sha(secretFile), (await stat(secretFile)).uid, await modeOf(secretFile)]).toEqual(before);
  });
});

describe('safeMkdirScript', () => {
  it('makes missing directories; the last gets owner and mode, the ones between 0755 root', async () => {
    const p = join(base, 'mk', 'a', 'b');
    expect(sh(safeMkdirScript({ path: p, owner: user, mode: 0o700 }))).toMatchObject({ code: 0 });
    const [a, b] = [await stat(join(base, 'mk', 'a')), await stat(p)];
    expect([a.uid, a.mode & 0o7777, b.uid, b.mode & 0o7777]).toEqual([0, 0o755, uid, 0o700]);
    // existing: owner/mode changed in place
    expect(sh(safeMkdirScript({ path: p, mode: 0o750 })).code).toBe(0);
    expect(await modeOf(p)).toBe(0o750);
  });

  it("inside the target owner's directory it makes them as that owner; in another user's it refuses", async () => {
    const d = await userDir('home');
    expect(sh(safeMkdirScript({ path: join(d, '.ssh'), owner: user, mode: 0o700 })).code).toBe(0);
    expect((await stat(join(d, '.ssh'))).uid).toBe(uid);
    const r = sh(safeMkdirScript({ path: join(d, 'x', 'y'), mode: 0o755 }));
    expect(safeWriteRefusal(r, d)?.field).toBe(d);
  });
});

describe('safeAttrScript', () => {
  it('sets owner/mode of a file; on a symlink it never follows (chown -h, no chmod)', async () => {
    const d = join(base, 'attr');
    await mkdir(d, { mode: 0o755 });
    await writeFile(join(d, 'f'), 'x', { mode: 0o600 });
    expect(sh(safeAttrScript({ path: join(d, 'f'), owner: user, mode: 0o604 })).code).toBe(0);
    expect([(await stat(join(d, 'f'))).uid, await modeOf(join(d, 'f'))]).toEqual([uid, 0o604]);
    await symlink(secretFile, join(d, 'l'));
    expect(sh(safeAttrScript({ path: join(d, 'l'), owner: user, mode: 0o666 })).code).toBe(0);
    expect([(await stat(secretFile)).uid, await modeOf(secretFile), (await lstat(join(d, 'l'))).uid]).toEqual([0, 0o600, uid]);
    expect(sh(safeAttrScript({ path: join(d, 'new'), mode: 0o640 }, { create: true })).code).toBe(0);
    expect(await modeOf(join(d, 'new'))).toBe(0o640);
  });
});

import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TsplayError } from '@tsplay/core';
import { connectSsh, type SshConnection } from './index.js';
import { createTestUser, removeTestUser, run, startSshd, type TestSshd } from './testing/index.js';

const SUDOER = 'tsplayssh';
const NOSUDO = 'tsplaynosudo';
let sshd: TestSshd;
let conn: SshConnection;
let plain: SshConnection;

beforeAll(async () => {
  sshd = await startSshd();
  await Promise.all([createTestUser(SUDOER, { sudo: true }), createTestUser(NOSUDO)]);
  await sshd.authorize(SUDOER);
  await sshd.authorize(NOSUDO);
  conn = await connectSsh(sshd.spec(SUDOER), { env: {} });
  plain = await connectSsh(sshd.spec(NOSUDO), { env: {} });
});

afterAll(async () => {
  await conn?.close();
  await plain?.close();
  await sshd?.stop();
  await removeTestUser(SUDOER);
  await removeTestUser(NOSUDO);
});

describe('exec', () => {
  it('returns exit codes, stdout and stderr without throwing', async () => {
    const r = await conn.exec('echo out; echo err >&2; exit 3');
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect((await conn.exec('id -un')).stdout).toBe(`${SUDOER}\n`);
  });

  it('carries more than 5 MB of output intact', async () => {
    const r = await conn.exec('head -c 6000000 /dev/zero | tr "\\0" x');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(6_000_000);
    expect(r.stdout.replace(/x/g, '')).toBe('');
  });

  it('feeds stdin and applies env and cwd', async () => {
    expect((await conn.exec('tr a-z A-Z', { stdin: 'hello\n' })).stdout).toBe('HELLO\n');
    const r = await conn.exec('printf "%s|%s" "$GREETING" "$(pwd)"', { env: { GREETING: "it's a test" }, cwd: '/tmp' });
    expect(r.stdout).toBe("it's a test|/tmp");
  });

  it('kills a command after timeoutMs and says so', async () => {
    const t0 = Date.now();
    const r = await conn.exec('sleep 30', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(20_000); // generous: the command alone takes 30 s
    expect((await conn.exec('echo still-usable')).stdout).toBe('still-usable\n');
  });

  it('applies the spec commandTimeoutMs to every exec unless timeoutMs says otherwise', async () => {
    const slow = await connectSsh(sshd.spec(SUDOER, { commandTimeoutMs: 300 }), { env: {} });
    try {
      expect((await slow.exec('sleep 20')).timedOut).toBe(true);
      const r = await slow.exec('sleep 0.5; echo done', { timeoutMs: 5000 });
      expect(r).toEqual({ code: 0, stdout: 'done\n', stderr: '' });
    } finally {
      await slow.close();
    }
  });

  it('leaves nothing running after a timed-out become command', async () => {
    const r = await conn.exec('sleep 987; echo not-reached', { timeoutMs: 300, become: true });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('');
    await vi.waitFor(async () => expect((await conn.exec('ps -eo args | grep -c "^sleep 98[7]" || true')).stdout).toBe('0\n'), {
      timeout: 5000,
      interval: 50,
    });
  });

  it('runs more commands at once than sshd MaxSessions without failing', async () => {
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => conn.exec(`sleep 0.2; echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 24 }, (_, i) => String(i)));
    // At most MAX_CHANNELS (8) at once: three waves of 0.2 s.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
  });
});

describe('become', () => {
  it('runs as root (or another user) for a passwordless sudoer', async () => {
    expect((await conn.exec('id -u', { become: true })).stdout).toBe('0\n');
    expect((await conn.exec('id -un', { become: NOSUDO })).stdout).toBe(`${NOSUDO}\n`);
    expect((await conn.exec('cat', { become: true, stdin: 'via sudo' })).stdout).toBe('via sudo');
  });

  it('fails with BECOME_FAILED for a user without sudo rights', async () => {
    const err = await plain.exec('id -u', { become: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsplayError);
    expect((err as TsplayError).code).toBe('BECOME_FAILED');
    expect((err as TsplayError).host).toBe(plain.host);
  });
});

describe('files', () => {
  const home = `/home/${SUDOER}`;

  it('puts, reads and stats a file with mode, in one round trip each', async () => {
    const path = `${home}/hello.txt`;
    await conn.put(path, 'hello\n', { mode: 0o640 });
    expect((await conn.read(path)).toString()).toBe('hello\n');
    const st = await conn.stat(path, { hash: true });
    expect(st).toMatchObject({ exists: true, type: 'file', mode: 0o640, owner: SUDOER, size: 6 });
    expect(st.sha256).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect(await conn.stat(`${home}/nothing-here`)).toEqual({ exists: false });
  });

  it('writes root-owned files with become and reads them back', async () => {
    const path = '/etc/tsplay-ssh-test.conf';
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10]);
    await conn.put(path, bytes, { become: true, mode: 0o600, owner: 'root', group: 'root' });
    const st = await stat(path);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(0);
    expect(await conn.read(path, { become: true })).toEqual(bytes);
    await expect(plain.read(path)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    await conn.exec(`rm -f ${path}`, { become: true });
  });

  it('readChunks streams a root-only file in pieces as it arrives; a missing file and a failing sink reject', async () => {
    const path = '/etc/tsplay-ssh-chunks.bin';
    const bytes = Buffer.alloc(3 << 20, 'abc\0\xff');
    await conn.put(path, bytes, { become: true, mode: 0o600, owner: 'root', group: 'root' });
    const pieces: Buffer[] = [];
    await conn.readChunks(path, (b) => pieces.push(b), { become: true });
    expect(pieces.length).toBeGreaterThan(1);
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
    await expect(plain.readChunks(path, () => undefined)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    await expect(
      conn.readChunks(
        path,
        () => {
          throw new Error('disk full');
        },
        { become: true },
      ),
    ).rejects.toThrow('disk full');
    expect((await conn.exec('echo still usable')).stdout).toBe('still usable\n');
    await conn.exec(`rm -f ${path}`, { become: true });
  });

  it('reports a write into a missing directory as WRITE_FAILED and leaves no temp file', async () => {
    await expect(conn.put(`${home}/no/such/dir/f`, 'x')).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    await expect(plain.put('/etc/tsplay-denied', 'x')).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect((await readdir('/etc')).filter((f) => f.includes('tsplay-denied'))).toEqual([]);
  });

  it('maps "No space left on device" to DISK_FULL and removes the temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsplay-full-'));
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=1777', 'tmpfs', dir]);
    try {
      const err = await conn.put(`${dir}/big`, Buffer.alloc(1024 * 1024, 1)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TsplayError);
      expect((err as TsplayError).code).toBe('DISK_FULL');
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await run('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('survives a killed transfer: no partial file at the target, old content intact, temp file removed', async () => {
    const dir = `${home}/atomic`;
    await conn.exec(`mkdir -p ${dir}`);
    const target = `${dir}/big.bin`;
    await conn.put(target, 'old content\n');
    const victim = await connectSsh(sshd.spec(SUDOER), { env: {} });
    const big = Buffer.alloc(256 * 1024 * 1024, 7);
    const upload = victim.put(target, big).catch((e: unknown) => e);
    // Wait until the temp file is receiving data, then cut every sshd session.
    await vi.waitFor(
      async () => {
        const temps = (await readdir(dir)).filter((f) => f.includes('.tsplay-'));
        expect(temps.length).toBe(1);
        expect((await stat(`${dir}/${temps[0]}`)).size).toBeGreaterThan(1024 * 1024);
      },
      { timeout: 20_000, interval: 20 },
    );
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    const err = await upload;
    expect(err).toBeInstanceOf(TsplayError);
    expect((err as TsplayError).code).toBe('UNREACHABLE');
    await expect(victim.exec('true')).rejects.toMatchObject({ code: 'UNREACHABLE' });
    expect(await readFile(target, 'utf8')).toBe('old content\n');
    await vi.waitFor(async () => expect((await readdir(dir)).filter((f) => f.includes('.tsplay-'))).toEqual([]), {
      timeout: 10_000,
      interval: 20,
    });
    await victim.close();
  });
});

import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsplayError } from '@tsplay/core';
import { connectSsh, type ConnectOptions, type SshHostSpec } from './index.js';
import { generateKey, run, startSshd, type TestSshd } from './testing/index.js';

let sshd: TestSshd;
let opts: ConnectOptions;

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
  // An empty home: the developer's own ~/.ssh/known_hosts must not take part.
  opts = { env: {}, home: join(sshd.dir, 'home') };
});
afterAll(async () => {
  await sshd?.stop();
});

async function connectError(spec: SshHostSpec): Promise<TsplayError> {
  const conn = await connectSsh(spec, opts).catch((e: unknown) => e);
  if (!(conn instanceof TsplayError)) {
    if (conn && typeof conn === 'object' && 'close' in conn) await (conn as { close(): Promise<void> }).close();
    throw new Error(`expected a TsplayError, got ${String(conn)}`);
  }
  return conn;
}

async function whoami(spec: SshHostSpec): Promise<string> {
  const conn = await connectSsh(spec, opts);
  try {
    return (await conn.exec('id -un')).stdout.trim();
  } finally {
    await conn.close();
  }
}

describe('host keys', () => {
  it('accepts the key listed as [127.0.0.1]:PORT', async () => {
    expect(await whoami(sshd.spec('root'))).toBe('root');
  });

  it('refuses an unknown key with its SHA256 fingerprint and a command that trusts it', async () => {
    const file = join(sshd.dir, 'kh-unknown');
    await writeFile(file, '');
    const err = await connectError(sshd.spec('root', { knownHosts: file }));
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.host).toBe(`sshd-${sshd.port}`);
    expect(err.message).toContain(sshd.hostKey.fingerprint);
    const cmd = /ssh-keyscan .*? >> \S+/.exec(err.hint ?? '')?.[0];
    expect(cmd).toBe(`ssh-keyscan -p ${sshd.port} -t ed25519 127.0.0.1 >> ${file}`);
    expect(err.hint).toContain('ssh-keygen -lf');
    // Following the hint works.
    await run('/bin/sh', ['-c', `${cmd} 2>/dev/null`]);
    expect(await whoami(sshd.spec('root', { knownHosts: file }))).toBe('root');
  });

  it('refuses a changed key loudly, also with accept-new', async () => {
    const other = await generateKey(join(sshd.dir, 'impostor'));
    const file = join(sshd.dir, 'kh-changed');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${other.publicLine}\n`);
    for (const hostKeyChecking of ['strict', 'accept-new'] as const) {
      const err = await connectError(sshd.spec('root', { knownHosts: file, hostKeyChecking }));
      expect(err.code).toBe('HOST_KEY_CHANGED');
      expect(err.message).toContain('HAS CHANGED');
      expect(err.message).toContain(other.fingerprint);
      expect(err.message).toContain(sshd.hostKey.fingerprint);
      expect(err.message).toContain(`${file}:1`);
      expect(err.hint).toContain('ssh-keygen -R');
    }
    expect(await readFile(file, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${other.publicLine}\n`);
  });

  it('refuses a key whose type is not known for the host when only another type is', async () => {
    const rsa = await generateKey(join(sshd.dir, 'rsa-other'), { type: 'ecdsa' });
    const file = join(sshd.dir, 'kh-other-type');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${rsa.publicLine}\n`);
    const err = await connectError(sshd.spec('root', { knownHosts: file }));
    // sshd only has an ed25519 key, so the ecdsa entry cannot vouch for it.
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(err.message).toContain('ecdsa-sha2-nistp256');
  });

  it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
    const file = join(sshd.dir, 'kh-hashed');
    await copyFile(sshd.knownHosts, file);
    await run('ssh-keygen', ['-q', '-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('|1|')).toBe(true);
    expect(text).not.toContain('127.0.0.1');
    expect(await whoami(sshd.spec('root', { knownHosts: file }))).toBe('root');
  });

  it('accept-new records an unknown key in the first knownHosts file, then strict checking passes', async () => {
    const first = join(sshd.dir, 'kh-new', 'known_hosts');
    const second = join(sshd.dir, 'kh-empty');
    await writeFile(second, '');
    expect(await whoami(sshd.spec('root', { knownHosts: [first, second], hostKeyChecking: 'accept-new' }))).toBe('root');
    expect(await readFile(first, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostKey.publicLine}\n`);
    expect(await readFile(second, 'utf8')).toBe('');
    expect(await whoami(sshd.spec('root', { knownHosts: first }))).toBe('root');
  });

  it('reads ~/.ssh/known_hosts as well as the inventory file', async () => {
    const home = join(sshd.dir, 'home2');
    await run('mkdir', ['-p', join(home, '.ssh')]);
    await copyFile(sshd.knownHosts, join(home, '.ssh', 'known_hosts'));
    const empty = join(sshd.dir, 'kh-empty2');
    await writeFile(empty, '');
    const conn = await connectSsh(sshd.spec('root', { knownHosts: empty }), { env: {}, home });
    expect((await conn.exec('echo ok')).stdout).toBe('ok\n');
    await conn.close();
  });
});

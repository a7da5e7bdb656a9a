import { mkdir, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TsplayError } from '@tsplay/core';
import { publicBlobOf } from './auth.js';
import { connectSsh, resolveTarget, type ConnectOptions, type SshHostSpec } from './index.js';
import { generateKey, startAgent, startSshd, type KeyPair, type TestAgent, type TestSshd } from './testing/index.js';

let sshd: TestSshd;
let agent: TestAgent;
let agentKey: KeyPair;
let lockedKey: KeyPair;
let home: string;
const base: ConnectOptions = { env: {}, localUser: 'tsplay-no-such-local-user' };

beforeAll(async () => {
  sshd = await startSshd();
  home = join(sshd.dir, 'home');
  await mkdir(join(home, '.ssh'), { recursive: true });
  [agentKey, lockedKey] = await Promise.all([
    generateKey(join(sshd.dir, 'agent_ed25519')),
    generateKey(join(sshd.dir, 'locked_ed25519'), { passphrase: 'correct horse' }),
  ]);
  await sshd.authorize('root');
  await sshd.authorize('root', agentKey);
  await sshd.authorize('root', lockedKey);
  agent = await startAgent(sshd.dir);
  await agent.add(agentKey.path);
});
afterAll(async () => {
  await agent?.stop();
  await sshd?.stop();
});

async function user(spec: SshHostSpec, opts: ConnectOptions): Promise<string> {
  const conn = await connectSsh(spec, { home, ...opts });
  try {
    return (await conn.exec('id -un')).stdout.trim();
  } finally {
    await conn.close();
  }
}

async function failure(spec: SshHostSpec, opts: ConnectOptions): Promise<TsplayError> {
  const r = await connectSsh(spec, { home, ...opts }).catch((e: unknown) => e);
  if (!(r instanceof TsplayError)) throw new Error(`expected a TsplayError, got ${String(r)}`);
  return r;
}

describe('authentication', () => {
  it('uses a key file (privateKeyPath)', async () => {
    expect(await user(sshd.spec('root'), base)).toBe('root');
  });

  it('uses a key held by ssh-agent (SSH_AUTH_SOCK), and fails without the agent', async () => {
    const spec = sshd.spec('root', { privateKeyPath: undefined });
    expect(await user(spec, { ...base, env: { SSH_AUTH_SOCK: agent.socket } })).toBe('root');
    const err = await failure(spec, base);
    expect(err.code).toBe('AUTH_FAILED');
  });

  it('explains a passphrase-protected key without an agent (AUTH_FAILED with a hint)', async () => {
    const err = await failure(sshd.spec('root', { privateKeyPath: lockedKey.path }), base);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.hint).toContain('passphrase-protected');
    expect(err.hint).toContain(`ssh-add ${lockedKey.path}`);
    expect(err.hint).toContain('SSH_AUTH_SOCK');
  });

  it('uses a passphrase-protected key once the agent holds it', async () => {
    const second = await startAgent(join(sshd.dir, 'home'));
    try {
      await second.add(lockedKey.path, 'correct horse');
      expect(await user(sshd.spec('root', { privateKeyPath: lockedKey.path }), { ...base, env: { SSH_AUTH_SOCK: second.socket } })).toBe(
        'root',
      );
    } finally {
      await second.stop();
    }
  });

  it('reports a key the host does not accept as AUTH_FAILED naming user, host and key', async () => {
    const stranger = await generateKey(join(sshd.dir, 'stranger'));
    const err = await failure(sshd.spec('root', { privateKeyPath: stranger.path }), base);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain(`root@127.0.0.1:${sshd.port}`);
    expect(err.message).toContain(stranger.path);
    expect(err.hint).toContain('authorized_keys');
  });

  it('reports a missing privateKeyPath as AUTH_FAILED', async () => {
    const err = await failure(sshd.spec('root', { privateKeyPath: join(sshd.dir, 'nope') }), base);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.field).toBe('privateKeyPath');
  });
});

describe('ssh config', () => {
  async function config(text: string): Promise<string> {
    const file = join(sshd.dir, `ssh_config_${Math.random().toString(16).slice(2)}`);
    await writeFile(file, text);
    return file;
  }

  it('honours HostName, User, Port and IdentityFile (with ~) for a Host pattern', async () => {
    await copyFile(sshd.clientKey.path, join(home, '.ssh', 'id_lab'));
    const sshConfigPath = await config(
      [
        `Host other`,
        `  User nobody`,
        `Host lab-*  !lab-skip`,
        `  HostName 127.0.0.1`,
        `  Port ${sshd.port}`,
        `  User root`,
        `  IdentityFile ~/.ssh/id_lab`,
        `  IdentitiesOnly yes`,
        '',
      ].join('\n'),
    );
    const spec: SshHostSpec = { name: 'lab-node', address: 'lab-one', knownHosts: sshd.knownHosts, sshConfigPath };
    // localUser would be the login name without `User root`; no agent and no privateKeyPath.
    expect(await user(spec, base)).toBe('root');
    const skipped = resolveTarget({ ...spec, address: 'lab-skip' }, { ...base, home });
    expect([skipped.host, skipped.port, skipped.user]).toEqual(['lab-skip', 22, base.localUser]);
  });

  it('lets the inventory win over the ssh config (port, user)', async () => {
    const sshConfigPath = await config([`Host alias`, `  HostName 127.0.0.1`, `  Port 1`, `  User nobody`, ''].join('\n'));
    const spec = sshd.spec('root', { address: 'alias', sshConfigPath });
    expect(await user(spec, base)).toBe('root');
  });

  it('IdentitiesOnly limits the agent to the configured keys (a passphrase key held by the agent still works)', async () => {
    const withLocked = await config([`Host *`, `  IdentityFile ${lockedKey.path}`, `  IdentitiesOnly yes`, ''].join('\n'));
    const withoutOnly = await config([`Host *`, `  IdentityFile ${lockedKey.path}`, ''].join('\n'));
    const spec = (sshConfigPath: string): SshHostSpec => sshd.spec('root', { privateKeyPath: undefined, sshConfigPath });
    const env = { SSH_AUTH_SOCK: agent.socket };
    // The agent only holds agentKey: offered without IdentitiesOnly, filtered out with it.
    expect(await user(spec(withoutOnly), { ...base, env })).toBe('root');
    const err = await failure(spec(withLocked), { ...base, env });
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.hint).toContain(`ssh-add ${lockedKey.path}`);
    const second = await startAgent(join(sshd.dir, 'home'));
    try {
      await second.add(lockedKey.path, 'correct horse');
      expect(await user(spec(withLocked), { ...base, env: { SSH_AUTH_SOCK: second.socket } })).toBe('root');
    } finally {
      await second.stop();
    }
  });

  it('reads the public half of an encrypted OpenSSH key without its .pub file', async () => {
    const copy = join(sshd.dir, 'locked_copy');
    await copyFile(lockedKey.path, copy);
    const blob = await publicBlobOf(copy, await readFile(copy, 'utf8'));
    expect(blob?.toString('base64')).toBe(lockedKey.publicLine.split(' ')[1]);
  });

  it('goes through a ProxyJump host (forwardOut)', async () => {
    const accepted = (): number =>
      sshd
        .log()
        .split('\n')
        .filter((l) => l.includes('Accepted publickey for root')).length;
    const before = accepted();
    const sshConfigPath = await config(
      [`Host behind`, `  HostName 127.0.0.1`, `  Port ${sshd.port}`, `  ProxyJump root@127.0.0.1:${sshd.port}`, ''].join('\n'),
    );
    const conn = await connectSsh(sshd.spec('root', { address: 'behind', port: undefined, sshConfigPath }), { ...base, home });
    try {
      expect(conn.target.jumps.map((j) => `${j.user}@${j.host}:${j.port}`)).toEqual([`root@127.0.0.1:${sshd.port}`]);
      expect((await conn.exec('echo via jump')).stdout).toBe('via jump\n');
      await vi.waitFor(() => expect(accepted() - before).toBe(2), { timeout: 5000, interval: 20 });
    } finally {
      await conn.close();
    }
  });

  it('chains several ProxyJump hops in order, and names an unreachable hop', async () => {
    const hop = `root@127.0.0.1:${sshd.port}`;
    const twoHops = await config(
      [`Host behind2`, `  HostName 127.0.0.1`, `  Port ${sshd.port}`, `  ProxyJump ${hop},${hop}`, ''].join('\n'),
    );
    const conn = await connectSsh(sshd.spec('root', { address: 'behind2', port: undefined, sshConfigPath: twoHops }), { ...base, home });
    try {
      expect(conn.target.jumps).toHaveLength(2);
      expect((await conn.exec('echo two hops')).stdout).toBe('two hops\n');
    } finally {
      await conn.close();
    }
    const deadHop = await config(
      [`Host behind3`, `  HostName 127.0.0.1`, `  Port ${sshd.port}`, `  ProxyJump root@127.0.0.1:1`, ''].join('\n'),
    );
    const err = await failure(sshd.spec('root', { name: 'target', address: 'behind3', port: undefined, sshConfigPath: deadHop }), base);
    expect(err.code).toBe('UNREACHABLE');
    expect(err.host).toBe('target (jump 1: 127.0.0.1)');
    expect(err.message).toContain('ECONNREFUSED');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsplayError } from '@tsplay/core';
import { connectPersisted, connectSsh, startPersistDaemon, type ConnectOptions, type PersistDaemon, type SshHostSpec } from './index.js';
import { PersistedConnection } from './persist/connection.js';
import { freePort, generateKey, startSshd, type TestSshd } from './testing/index.js';

/** A loopback TCP server counting connections: the n-th (from 1) is left silent or piped to `pipeTo`. */
interface Counter {
  port: number;
  count: number;
  close(): Promise<void>;
}

async function counter(behave: (n: number) => 'silent' | 'pipe', pipeTo = 0): Promise<Counter> {
  const sockets = new Set<Socket>();
  const state = { count: 0 };
  const srv: Server = createServer((s) => {
    state.count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    if (behave(state.count) === 'silent') return;
    const up = createConnection(pipeTo, '127.0.0.1');
    sockets.add(up);
    up.on('error', () => s.destroy());
    s.on('close', () => up.destroy());
    up.on('close', () => s.destroy());
    s.pipe(up).pipe(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return {
    port: addr.port,
    get count() {
      return state.count;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

let sshd: TestSshd;
let opts: ConnectOptions;
let daemonDir: string;
let daemon: PersistDaemon;
const counters: Counter[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
  opts = { env: {}, home: join(sshd.dir, 'home') };
  daemonDir = await mkdtemp(join(tmpdir(), 'tsplay-attempts-'));
  daemon = await startPersistDaemon({ dir: join(daemonDir, 'd'), idleExitMs: 600_000 });
});
afterAll(async () => {
  await daemon?.close();
  for (const c of counters) await c.close();
  await sshd?.stop();
  if (daemonDir) await rm(daemonDir, { recursive: true, force: true });
});

async function open(behave: (n: number) => 'silent' | 'pipe'): Promise<Counter> {
  const c = await counter(behave, sshd.port);
  counters.push(c);
  return c;
}

/** known_hosts trusting the test sshd's key at `[127.0.0.1]:port` (a counter in front of it). */
async function trusted(port: number): Promise<string> {
  const file = join(sshd.dir, `kh-${port}`);
  await writeFile(file, `[127.0.0.1]:${port} ${sshd.hostKey.publicLine}\n`);
  return file;
}

/** A trusted port whose first handshake stalls and whose second reaches the test sshd: 1500 ms, 2 attempts. */
async function flakySpec(): Promise<{ flaky: Counter; spec: SshHostSpec }> {
  const flaky = await open((n) => (n === 1 ? 'silent' : 'pipe'));
  const spec = sshd.spec('root', {
    port: flaky.port,
    knownHosts: await trusted(flaky.port),
    connectTimeoutMs: 1500,
    connectionAttempts: 2,
  });
  return { flaky, spec };
}

async function failure(spec: SshHostSpec): Promise<TsplayError> {
  const r = await connectSsh(spec, opts).catch((e: unknown) => e);
  if (!(r instanceof TsplayError)) throw new Error(`expected a TsplayError, got ${String(r)}`);
  return r;
}

describe('connectionAttempts', () => {
  it('tries a host that never finishes the handshake connectionAttempts times, and says so', async () => {
    const silent = await open(() => 'silent');
    const err = await failure(sshd.spec('root', { name: 'slow', port: silent.port, connectTimeoutMs: 300, connectionAttempts: 3 }));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.host).toBe('slow');
    expect(err.message).toContain('timed out after 300 ms waiting for the SSH handshake (3 attempts)');
    expect(silent.count).toBe(3);
  });

  it('tries once by default (no retry, as before)', async () => {
    const silent = await open(() => 'silent');
    const err = await failure(sshd.spec('root', { port: silent.port, connectTimeoutMs: 300 }));
    expect(err.message).toContain('timed out after 300 ms');
    expect(err.message).not.toContain('attempts');
    expect(err.hint).toContain('connectionAttempts');
    expect(silent.count).toBe(1);
  });

  it('connects on the second attempt when the first handshake stalls', async () => {
    const { flaky, spec } = await flakySpec();
    const conn = await connectSsh(spec, opts);
    try {
      expect((await conn.exec('id -un')).stdout).toBe('root\n');
      expect(flaky.count).toBe(2);
    } finally {
      await conn.close();
    }
  });

  it('retries a refused connection (ECONNREFUSED)', async () => {
    const err = await failure(sshd.spec('root', { port: await freePort(), connectionAttempts: 2 }));
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('(2 attempts)');
  });

  it('never retries a changed host key', async () => {
    const pipe = await open(() => 'pipe');
    const impostor = await generateKey(join(sshd.dir, 'impostor'));
    const knownHosts = join(sshd.dir, 'kh-changed');
    await writeFile(knownHosts, `[127.0.0.1]:${pipe.port} ${impostor.publicLine}\n`);
    const err = await failure(sshd.spec('root', { port: pipe.port, knownHosts, connectionAttempts: 3 }));
    expect(err.code).toBe('HOST_KEY_CHANGED');
    expect(pipe.count).toBe(1);
  });

  it('never retries an unknown host key', async () => {
    const pipe = await open(() => 'pipe');
    const knownHosts = join(sshd.dir, 'kh-empty');
    await writeFile(knownHosts, '');
    const err = await failure(sshd.spec('root', { port: pipe.port, knownHosts, connectionAttempts: 3 }));
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(pipe.count).toBe(1);
  });

  it('never retries an authentication failure', async () => {
    const pipe = await open(() => 'pipe');
    const stranger = await generateKey(join(sshd.dir, 'stranger'));
    const spec = sshd.spec('root', {
      port: pipe.port,
      knownHosts: await trusted(pipe.port),
      privateKeyPath: stranger.path,
      connectionAttempts: 3,
    });
    const err = await failure(spec);
    expect(err.code).toBe('AUTH_FAILED');
    expect(pipe.count).toBe(1);
  });

  it('retries a ProxyJump chain as a whole (the jump host is dialled again)', async () => {
    const jump = await open(() => 'pipe');
    const silent = await open(() => 'silent');
    const sshConfigPath = join(sshd.dir, 'ssh_config_jump');
    await writeFile(
      sshConfigPath,
      [`Host behind`, `  HostName 127.0.0.1`, `  Port ${silent.port}`, `  ProxyJump root@127.0.0.1:${jump.port}`, ''].join('\n'),
    );
    const spec = sshd.spec('root', {
      name: 'behind',
      address: 'behind',
      port: undefined,
      sshConfigPath,
      knownHosts: await trusted(jump.port),
      connectTimeoutMs: 2000,
      connectionAttempts: 2,
    });
    const err = await failure(spec);
    expect(err.host).toBe('behind');
    expect(err.message).toContain('waiting for the SSH handshake (2 attempts)');
    expect(jump.count).toBe(2);
    expect(silent.count).toBe(2);
  });

  it('applies through the persist daemon (its pool dials): a stalled first handshake, then a connection', async () => {
    const { flaky, spec } = await flakySpec();
    const conn = await connectPersisted(spec, opts, { seconds: 1, dir: daemon.dir });
    try {
      expect(conn).toBeInstanceOf(PersistedConnection);
      expect((await conn.exec('id -un')).stdout).toBe('root\n');
      expect(flaky.count).toBe(2);
    } finally {
      await conn.close();
    }
  });

  it('says how many attempts the persist daemon made', async () => {
    const silent = await open(() => 'silent');
    const spec = sshd.spec('root', { name: 'slow-persisted', port: silent.port, connectTimeoutMs: 300, connectionAttempts: 2 });
    const err = await connectPersisted(spec, opts, { seconds: 1, dir: daemon.dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsplayError);
    expect(err).toMatchObject({ code: 'UNREACHABLE', host: 'slow-persisted' });
    expect((err as Error).message).toContain('(2 attempts)');
    expect(silent.count).toBe(2);
  });
});

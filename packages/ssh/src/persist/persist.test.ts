import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsplayError, type Connection } from '@tsplay/core';
import { SshConnection, acquireRunLock, connectPersisted, startPersistDaemon, type PersistDaemon, type SshHostSpec } from '../index.js';
import { generateKey, startSshd, type TestSshd } from '../testing/index.js';
import { PersistClient } from './client.js';
import { PersistedConnection } from './connection.js';
import { readInfo } from './paths.js';

let sshd: TestSshd;
let dir: string;
let daemon: PersistDaemon;
const home = '/nonexistent-home';
const opts = { env: {}, home };

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
  dir = await mkdtemp(join(tmpdir(), 'tsplay-persist-'));
  daemon = await startPersistDaemon({ dir: join(dir, 'd'), idleExitMs: 600_000 });
});
afterAll(async () => {
  await daemon?.close();
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const open = (spec: SshHostSpec = sshd.spec('root'), d = daemon.dir): Promise<Connection> =>
  connectPersisted(spec, opts, { seconds: 60, dir: d });

/** The oracle for "same SSH connection": sshd's own view of the client end (`SSH_CONNECTION`: address and source port). */
const peer = async (c: Connection): Promise<string> => (await c.exec('echo "$SSH_CONNECTION"')).stdout.trim();
const accepted = (): number =>
  sshd
    .log()
    .split('\n')
    .filter((l) => l.includes('Accepted publickey')).length;

/** A separate client process (fixtures/hold-lock.ts) that has done `mode` once it prints `ready`. */
async function clientProcess(mode: 'lock' | 'exec', arg: string, ready: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@tsplay/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'fixtures', 'hold-lock.ts'),
      JSON.stringify(sshd.spec('root')),
      daemon.dir,
      mode,
      arg,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(ready)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the client process exited with ${code}: ${err}`)));
  });
  return child;
}

/** Poll until `ok()` (the test's own timeout bounds it). */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 50));
}

async function thrown(p: Promise<unknown>): Promise<TsplayError> {
  const e = await p.then(
    (c) => (c as Connection | undefined)?.close(),
    (x: unknown) => x,
  );
  if (!(e instanceof TsplayError)) throw new Error(`expected a TsplayError, got ${String(e)}`);
  return e;
}

describe('persistent connections', () => {
  it("a second client reuses the first one's SSH connection: same source port, no new login", async () => {
    const a = await open();
    const before = accepted();
    const portA = await peer(a);
    expect(await a.exec('echo out; echo err >&2; exit 3')).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    await a.close();
    const b = await open();
    expect(b).toBeInstanceOf(PersistedConnection);
    expect((b as PersistedConnection).reused).toBe(true);
    expect(await peer(b)).toBe(portA);
    expect(accepted()).toBe(before);
    await b.close();
  });

  it('carries put, read, stat and stdin bytes intact', async () => {
    const c = await open();
    const file = join(dir, 'put-target');
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0x80]);
    await c.put(file, bytes, { mode: 0o640 });
    expect(Buffer.compare(await c.read(file), bytes)).toBe(0);
    const st = await c.stat(file, { hash: true });
    expect(st).toMatchObject({ exists: true, type: 'file', mode: 0o640, size: bytes.length });
    expect(st.sha256).toBe(spawnSync('sha256sum', [file]).stdout.toString().split(' ')[0]);
    expect((await c.exec('od -An -tx1', { stdin: bytes })).stdout.replace(/\s+/g, ' ').trim()).toBe('00 01 02 ff 0a 0d 80');
    await c.close();
  });

  it('a changed host key is still refused: another known_hosts is another pool key, dialled and checked', async () => {
    await (await open()).close();
    const wrong = join(dir, 'wrong_known_hosts');
    const other = await generateKey(join(dir, 'other_host_key'));
    await writeFile(wrong, `[127.0.0.1]:${sshd.port} ${other.publicLine}\n`);
    const e = await thrown(open(sshd.spec('root', { knownHosts: wrong })));
    expect(e.code).toBe('HOST_KEY_CHANGED');
  });

  it('re-dials transparently when the connection died (sessions killed, like an sshd restart)', async () => {
    const a = await open();
    const portA = await peer(a);
    await a.close();
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    const b = await open();
    expect((b as PersistedConnection).reused).toBe(false);
    const portB = await peer(b);
    expect(portB).not.toBe(portA);
    expect((await b.exec('echo ok')).stdout).toBe('ok\n');
    await b.close();
  });

  it('re-dials when the pooled link is cut (sessions stopped): the liveness probe goes unanswered', async () => {
    const a = await open();
    const portA = await peer(a);
    await a.close();
    await sshd.pauseSessions();
    try {
      const b = await open();
      expect(await peer(b)).not.toBe(portA);
      await b.close();
    } finally {
      await sshd.resumeSessions();
    }
  });

  it('a link that goes silent mid-command fails it as a direct connection would: the keepalive figures in the message', async () => {
    const c = await open(sshd.spec('root', { serverAliveInterval: 0.5, serverAliveCountMax: 2 }));
    const pending = c.exec('sleep 20').then(
      () => undefined,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    await sshd.pauseSessions();
    try {
      const e = await pending;
      expect(e).toBeInstanceOf(TsplayError);
      expect((e as TsplayError).code).toBe('UNREACHABLE');
      expect((e as TsplayError).message).toContain('no answer to 2 keepalives in 1 s');
    } finally {
      await sshd.resumeSessions();
      await c.close();
    }
  });

  it('keeps its socket 0600 and its directory and daemon.json 0700/0600', async () => {
    const info = readInfo(daemon.dir);
    expect(info?.socket).toBe(daemon.socket);
    expect((await stat(daemon.socket)).mode & 0o777).toBe(0o600);
    expect((await stat(daemon.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(daemon.dir, 'daemon.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(daemon.socket)).isSocket()).toBe(true);
  });

  it('an unsafe directory (group/other bits) is not used: PERSIST_UNSAFE reported, the host connected directly', async () => {
    const open755 = join(dir, 'open755');
    await mkdir(open755, { mode: 0o755 });
    await chmod(open755, 0o755);
    const why: string[] = [];
    const c = await connectPersisted(sshd.spec('root'), opts, { seconds: 60, dir: open755, onFallback: (w) => why.push(w) });
    expect(c).toBeInstanceOf(SshConnection);
    expect(why.join('\n')).toMatch(/has mode 755/);
    await c.close();
  });

  it('refuses a client with the wrong token', async () => {
    const info = readInfo(daemon.dir);
    if (!info) throw new Error('no daemon.json');
    const e = await PersistClient.connect({ ...info, token: 'f'.repeat(info.token.length) }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TsplayError);
    expect((e as TsplayError).code).toBe('PERSIST_REFUSED');
    const ok = await PersistClient.connect(info);
    ok.end();
  });

  it('releases the run lock of a client process that dies (kill -9)', async () => {
    const lockDir = await mkdtemp(join(tmpdir(), 'tsplay-persist-lock-'));
    const child = await clientProcess('lock', lockDir, 'LOCKED');
    const lockFile = join(lockDir, 'run.lock');
    expect(spawnSync('flock', ['-n', lockFile, 'true']).status).not.toBe(0);
    const c = await open();
    const busy = await thrown(acquireRunLock(c, { waitMs: 0, playbook: 'x', dir: lockDir }));
    expect(busy.code).toBe('RUN_LOCKED');
    child.kill('SIGKILL');
    // The daemon ends the dead client's lock channel; waiting for the lock must then succeed.
    const lock = await acquireRunLock(c, { waitMs: 30_000, playbook: 'x', dir: lockDir });
    await lock.release();
    await c.close();
    expect(spawnSync('flock', ['-n', lockFile, 'true']).status).toBe(0);
    await rm(lockDir, { recursive: true, force: true });
  });

  it('closes the channels of a client that dies mid-command: the command sees its output closed, as on a dropped connection', async () => {
    const marker = `tsplay-persist-${process.pid}-${Date.now()}`;
    const running = () => spawnSync('pgrep', ['-f', marker]).status === 0;
    const child = await clientProcess('exec', `while echo ${marker}; do sleep 0.05; done`, 'STARTED');
    await until(running);
    child.kill('SIGKILL');
    await until(() => !running());
    expect(running()).toBe(false);
    // the pooled connection itself is fine for the next client
    const c = await open();
    expect((await c.exec('echo still')).stdout).toBe('still\n');
    await c.close();
  });

  it('closes idle connections after N seconds and then exits', async () => {
    const d = await startPersistDaemon({ dir: join(dir, 'idle'), idleExitMs: 50 });
    const c = await connectPersisted(sshd.spec('root'), opts, { seconds: 0.2, dir: d.dir });
    expect((await c.exec('echo up')).stdout).toBe('up\n');
    await c.close();
    await d.closed;
    expect(d.pool.size).toBe(0);
    await expect(stat(d.socket)).rejects.toThrow(/ENOENT/);
    await expect(stat(join(d.dir, 'daemon.json'))).rejects.toThrow(/ENOENT/);
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TsplayError } from '@tsplay/core';
import { connectSsh, resolveTarget, type SshConnection, type SshHostSpec } from './index.js';
import { keepaliveConfig } from './dial.js';
import { startSshd, type TestSshd } from './testing/index.js';

let sshd: TestSshd;
const opened: SshConnection[] = [];
const home = (): string => join(sshd.dir, 'home');

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
});
afterEach(async () => {
  await sshd.resumeSessions();
  await Promise.all(opened.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await sshd?.stop();
});

/** Connect, then freeze sshd's side (TCP stays up, nothing answers) and see how long an exec takes to fail. */
async function lossAfterFreeze(spec: SshHostSpec): Promise<{ err: TsplayError; ms: number }> {
  const conn = await connectSsh(spec, { env: {}, home: home() });
  opened.push(conn);
  expect((await conn.exec('echo up')).stdout).toBe('up\n');
  expect(await sshd.pauseSessions()).toBeGreaterThan(0);
  const t0 = Date.now();
  const err = await conn.exec('echo never').then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof TsplayError)) throw new Error(`expected a TsplayError, got ${String(err)}`);
  return { err, ms: Date.now() - t0 };
}

describe('keepalive: a silent link is noticed within ServerAliveInterval × ServerAliveCountMax', () => {
  it('pings every I·N/(N+1) so that ssh2 (which gives up at the (N+1)-th ping) gives up at I × N', () => {
    expect(keepaliveConfig({ keepaliveIntervalMs: 5000, keepaliveCountMax: 3 })).toEqual({ keepaliveInterval: 3750, keepaliveCountMax: 3 });
    expect(keepaliveConfig({ keepaliveIntervalMs: 1000, keepaliveCountMax: 1 })).toEqual({ keepaliveInterval: 500, keepaliveCountMax: 1 });
    expect(keepaliveConfig({ keepaliveIntervalMs: 0, keepaliveCountMax: 3 }).keepaliveInterval).toBe(0);
  });

  it('defaults to 5 s × 3; the inventory wins over ssh config, which wins over the default', async () => {
    const cfg = join(sshd.dir, 'alive_config');
    await writeFile(cfg, 'Host cfg-host\n  ServerAliveInterval 2\n  ServerAliveCountMax 7\n');
    const base = { name: 'x', address: 'cfg-host', sshConfigPath: cfg, privateKeyPath: '/k' };
    expect(resolveTarget({ ...base, address: 'other' }, { env: {}, home: home() })).toMatchObject({
      keepaliveIntervalMs: 5000,
      keepaliveCountMax: 3,
    });
    expect(resolveTarget(base, { env: {}, home: home() })).toMatchObject({ keepaliveIntervalMs: 2000, keepaliveCountMax: 7 });
    expect(resolveTarget({ ...base, serverAliveInterval: 0.5, serverAliveCountMax: 2 }, { env: {}, home: home() })).toMatchObject({
      keepaliveIntervalMs: 500,
      keepaliveCountMax: 2,
    });
  });

  it('inventory 0.5 s × 2: a frozen peer makes the next exec UNREACHABLE, with the reason, long before the old fixed 60 s', async () => {
    const { err, ms } = await lossAfterFreeze(sshd.spec('root', { name: 'frozen', serverAliveInterval: 0.5, serverAliveCountMax: 2 }));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.host).toBe('frozen');
    expect(err.message).toContain('no answer to 2 keepalives in 1 s (ServerAliveInterval 0.5 s × ServerAliveCountMax 2)');
    // expected ~1 s; the bound only separates "configured" from the old 15 s × 4 (a loaded machine stays far below it)
    expect(ms).toBeLessThan(30_000);
  });

  it('ServerAliveInterval/CountMax from the ssh config file apply the same way', async () => {
    const cfg = join(sshd.dir, 'alive_config2');
    await writeFile(cfg, `Host 127.0.0.1\n  ServerAliveInterval 1\n  ServerAliveCountMax 1\n`);
    const { err, ms } = await lossAfterFreeze(sshd.spec('root', { name: 'frozen-cfg', sshConfigPath: cfg }));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toContain('no answer to 1 keepalives in 1 s');
    expect(ms).toBeLessThan(30_000);
  });

  it('an idle connection that answers stays up across many keepalive periods', async () => {
    const conn = await connectSsh(sshd.spec('root', { serverAliveInterval: 0.2, serverAliveCountMax: 1 }), { env: {}, home: home() });
    opened.push(conn);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await conn.exec('echo still')).stdout).toBe('still\n');
  });
});

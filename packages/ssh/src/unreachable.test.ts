import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsplayError } from '@tsplay/core';
import { connectSsh, type SshHostSpec } from './index.js';
import { startBlackhole, startSshd, type Blackhole, type TestSshd } from './testing/index.js';

let sshd: TestSshd;
let hole: Blackhole;

beforeAll(async () => {
  sshd = await startSshd();
  hole = await startBlackhole();
});
afterAll(async () => {
  await hole?.close();
  await sshd?.stop();
});

async function timedFailure(spec: SshHostSpec): Promise<{ err: TsplayError; ms: number }> {
  const t0 = Date.now();
  const r = await connectSsh(spec, { env: {}, home: join(sshd.dir, 'home') }).catch((e: unknown) => e);
  if (!(r instanceof TsplayError)) throw new Error(`expected a TsplayError, got ${String(r)}`);
  return { err: r, ms: Date.now() - t0 };
}

describe('unreachable hosts', () => {
  it('reports a stopped sshd (closed port) as UNREACHABLE: ECONNREFUSED, at once', async () => {
    const spec = sshd.spec('root', { name: 'stopped-host', connectTimeoutMs: 30_000 });
    await sshd.halt();
    const { err, ms } = await timedFailure(spec);
    expect(err.code).toBe('UNREACHABLE');
    expect(err.host).toBe('stopped-host');
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain(`127.0.0.1:${spec.port}`);
    expect(ms).toBeLessThan(15_000); // "at once": well before the 30 s connect timeout, generous for a loaded machine
  });

  it('reports a host that accepts TCP but never speaks SSH as UNREACHABLE within connectTimeoutMs', async () => {
    const spec = sshd.spec('root', { name: 'silent-host', port: hole.port, connectTimeoutMs: 700 });
    const { err, ms } = await timedFailure(spec);
    expect(err.code).toBe('UNREACHABLE');
    expect(err.host).toBe('silent-host');
    expect(err.message).toContain('timed out after 700 ms');
    expect(ms).toBeGreaterThanOrEqual(650);
    expect(ms).toBeLessThan(15_000); // generous: without the handshake timeout it would hang for the test timeout
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsplayError } from '@tsplay/core';
import { connectSsh, type SshHostSpec } from './index.js';
import { generateKey, startSshd, type TestSshd } from './testing/index.js';

// gcloud records a controller's key as `compute.<instance id>` in ~/.ssh/google_compute_known_hosts
// and runs ssh with HostKeyAlias=compute.<id> CheckHostIP=no.
const ALIAS = 'compute.8475012345678901234';
let sshd: TestSshd;
let aliasOnly: string;
const opts = (): { env: Record<string, string>; home: string } => ({ env: {}, home: join(sshd.dir, 'home') });

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
  aliasOnly = join(sshd.dir, 'google_compute_known_hosts');
  await writeFile(aliasOnly, `${ALIAS} ${sshd.hostKey.publicLine}\n`);
});
afterAll(async () => {
  await sshd?.stop();
});

async function outcome(spec: SshHostSpec): Promise<string | TsplayError> {
  const c = await connectSsh(spec, opts()).catch((e: unknown) => e);
  if (c instanceof TsplayError) return c;
  if (!c || typeof c !== 'object' || !('exec' in c)) throw new Error(`unexpected ${String(c)}`);
  const conn = c as Awaited<ReturnType<typeof connectSsh>>;
  try {
    return (await conn.exec('id -un')).stdout.trim();
  } finally {
    await conn.close();
  }
}

describe('hostKeyAlias (a real sshd whose key is recorded only under an alias)', () => {
  it('without the alias the key is unknown (it is not recorded under [127.0.0.1]:PORT)', async () => {
    const r = await outcome(sshd.spec('root', { knownHosts: aliasOnly }));
    expect(r).toBeInstanceOf(TsplayError);
    expect((r as TsplayError).code).toBe('HOST_KEY_UNKNOWN');
  });

  it('the inventory alias finds it', async () => {
    expect(await outcome(sshd.spec('root', { knownHosts: aliasOnly, hostKeyAlias: ALIAS }))).toBe('root');
  });

  it("ssh config's HostKeyAlias finds it", async () => {
    const cfg = join(sshd.dir, 'alias_config');
    await writeFile(cfg, `Host ctl-0\n  HostName 127.0.0.1\n  HostKeyAlias ${ALIAS}\n  CheckHostIP no\n`);
    expect(await outcome(sshd.spec('root', { address: 'ctl-0', knownHosts: aliasOnly, sshConfigPath: cfg }))).toBe('root');
  });

  it('CheckHostIP=no semantics: with an alias, an entry for the address (even a wrong key) is not consulted', async () => {
    const other = await generateKey(join(sshd.dir, 'other-host'));
    const file = join(sshd.dir, 'kh-mixed');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${other.publicLine}\n${ALIAS} ${sshd.hostKey.publicLine}\n`);
    expect(await outcome(sshd.spec('root', { knownHosts: file, hostKeyAlias: ALIAS }))).toBe('root');
    // and the other way round: the address entry is right, the alias entry is another key -> refused
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${sshd.hostKey.publicLine}\n${ALIAS} ${other.publicLine}\n`);
    const r = await outcome(sshd.spec('root', { knownHosts: file, hostKeyAlias: ALIAS }));
    expect((r as TsplayError).code).toBe('HOST_KEY_CHANGED');
    expect((r as TsplayError).message).toContain(`known_hosts name ${ALIAS}`);
  });

  it('an unknown key under the alias gets a hint that records it under the alias; accept-new records it there', async () => {
    const file = join(sshd.dir, 'kh-empty');
    await writeFile(file, '');
    const r = (await outcome(sshd.spec('root', { knownHosts: file, hostKeyAlias: ALIAS }))) as TsplayError;
    expect(r.code).toBe('HOST_KEY_UNKNOWN');
    expect(r.hint).toContain(`s/^[^ ]* /${ALIAS} /`);
    expect(await outcome(sshd.spec('root', { knownHosts: file, hostKeyAlias: ALIAS, hostKeyChecking: 'accept-new' }))).toBe('root');
    const recorded = (await readFile(file, 'utf8')).trim().split(/\s+/);
    expect(recorded[0]).toBe(ALIAS);
    expect(recorded.slice(1, 3).join(' ')).toBe(sshd.hostKey.publicLine.split(/\s+/).slice(0, 2).join(' '));
  });
});

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runPlaybook, type RunEvent } from '@tsplay/core';
import { LocalConnection } from '@tsplay/core/transport';
import { resolveInventory } from '@tsplay/core/engine';
import { afterAll, describe, expect, it } from 'vitest';
import pki from '../../../playbooks/pki.js';

/**
 * playbooks/pki.ts through the runner: three controllers whose tasks run once on the workstation
 * (`delegateTo: 'localhost'`), with the SANs from the inventory. Oracle: openssl and the files' bytes.
 */
const PLAYBOOKS = resolve(import.meta.dirname, '../../../playbooks');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ADDRS = ['10.240.0.10', '10.240.0.11', '10.240.0.12'];
function inventory(dir: string, extra: Record<string, unknown> = {}) {
  const hosts = Object.fromEntries(ADDRS.map((a, i) => [`controller-${i}`, { connection: 'local', address: a, vars: { internalIp: a } }]));
  return resolveInventory(
    {
      vars: { etcdCaFile: join(dir, 'ca.pem'), etcdCertFile: join(dir, 'kubernetes.pem'), etcdKeyFile: join(dir, 'kubernetes-key.pem') },
      hosts,
      groups: { controllers: { hosts: Object.keys(hosts) } },
    },
    join(dir, 'hosts.yaml'),
    extra,
  );
}

async function run(dir: string, opts: { check?: boolean; extra?: Record<string, unknown> } = {}) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: pki,
    inventory: inventory(dir, opts.extra),
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => events.push(e),
    check: opts.check ?? false,
    baseDir: PLAYBOOKS,
  });
  const results = events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result');
  const failed = results.filter((r) => r.status === 'failed').map((r) => `${r.host} › ${r.task}: ${r.msg ?? ''}`);
  return { summary, results, failed, changed: [...new Set(results.filter((r) => r.changed).map((r) => r.task))] };
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const FILES = ['ca.pem', 'ca-key.pem', 'kubernetes.pem', 'kubernetes-key.pem'];

describe('playbooks/pki.ts', () => {
  it('check predicts both; the run makes the four files; SANs from the inventory; a re-run changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-pki-pb-'));
    dirs.push(dir);
    const check = await run(dir, { check: true });
    expect(check.failed).toEqual([]);
    expect(check.changed).toEqual(['the CA', 'the kubernetes certificate']);
    expect(() => statSync(join(dir, 'ca.pem'))).toThrow();

    const first = await run(dir);
    expect(first.failed).toEqual([]);
    expect(first.changed).toEqual(check.changed);
    // run once, on the workstation: every controller registers the one result
    expect(
      first.results
        .filter((r) => r.task === 'the CA')
        .map((r) => r.host)
        .sort(),
    ).toEqual(['controller-0', 'controller-1', 'controller-2']);
    expect(openssl('verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'kubernetes.pem')).trim()).toBe(
      `${join(dir, 'kubernetes.pem')}: OK`,
    );
    const san = openssl('x509', '-in', join(dir, 'kubernetes.pem'), '-noout', '-ext', 'subjectAltName');
    for (const want of [
      ...ADDRS.map((a) => `IP Address:${a}`),
      'IP Address:127.0.0.1',
      'IP Address:10.32.0.1',
      'DNS:controller-0',
      'DNS:controller-2',
      'DNS:kubernetes.default.svc.cluster',
      'DNS:kubernetes.svc.cluster.local',
    ]) {
      expect(san).toContain(want);
    }
    expect(FILES.map((f) => (statSync(join(dir, f)).mode & 0o777).toString(8))).toEqual(['644', '600', '644', '600']);

    const hashes = FILES.map((f) => sha(join(dir, f)));
    const again = await run(dir);
    expect([again.failed, again.changed]).toEqual([[], []]);
    expect((await run(dir, { check: true })).changed).toEqual([]);
    expect(FILES.map((f) => sha(join(dir, f)))).toEqual(hashes);

    // a renewal threshold above the days left re-issues the leaf only (same CA, same key)
    const renew = await run(dir, { extra: { pkiRenewDays: 400 } });
    expect(renew.changed).toEqual(['the kubernetes certificate']);
    expect(FILES.map((f) => sha(join(dir, f)) === hashes[FILES.indexOf(f)])).toEqual([true, true, false, true]);
    expect(openssl('verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'kubernetes.pem')).trim()).toContain(': OK');
  });
});

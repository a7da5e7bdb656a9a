/**
 * Refusals of the day-2 playbooks on the lab (issue 17, item 6): each exits non-zero with its code, and a
 * fingerprint of every host (helpers/fingerprint.ts, over the lab's own ssh) is unchanged. The even-size
 * refusal is in join-remove.test.ts; downgrade and skip-minor are the upgrade's.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ETCD_TARBALL } from '@tsplay/lab';
import { explainDiff, fingerprintDiff, fingerprintHost, type Fingerprint } from '../helpers/fingerprint.js';
import { hostOutput, labHostExec, onAllHosts, waitFor } from '../helpers/lab.js';
import { etcdctlOn, inventoryOf, labWith, memberTable, REPO, tsplay, type CliRun } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const SPEC = {
  roots: ['/etc/etcd', '/usr/local/bin'],
  paths: ['/etc/systemd/system/etcd.service', '/var/lib/etcd'],
  units: ['etcd.service'],
};
const RESET = [
  'systemctl disable --now etcd 2>/dev/null; systemctl reset-failed etcd 2>/dev/null',
  `rm -rf /etc/systemd/system/etcd.service /etc/etcd /var/lib/etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/src/${ETCD_TARBALL}`,
  'systemctl daemon-reload',
].join('\n');

const fingerprints = async () => new Map(await Promise.all(names.map(async (h) => [h, await fingerprintHost(h, SPEC)] as const)));
async function expectUnchanged(before: Map<string, Fingerprint>): Promise<void> {
  const after = await fingerprints();
  for (const h of names) {
    const a = before.get(h) ?? new Map();
    const b = after.get(h) ?? new Map();
    expect(fingerprintDiff(a, b), `${h}:\n${explainDiff(a, b)}`).toEqual([]);
  }
}
function expectRefused(r: CliRun, code: string): void {
  expect(r.code, r.stdout.slice(-2000) + r.stderr).not.toBe(0);
  expect(r.stdout + r.stderr).toContain(`[${code}]`);
}
async function bootstrap(hosts: readonly string[]): Promise<void> {
  await onAllHosts(RESET, { become: true });
  const r = await tsplay('etcd.ts', inventoryOf(hosts));
  if (r.code !== 0) throw new Error(`bootstrap of ${hosts.join(', ')} failed: ${r.stdout.slice(-2000)}${r.stderr}`);
}
const removeTwo = () => tsplay('etcd-remove-member.ts', inventoryOf(names), ['-e', 'etcdRemove=controller-1,controller-2']);

describe('etcd day 2 refusals: a coded error, and no host changed', () => {
  beforeAll(async () => {
    await labWith(3);
    await bootstrap(names.slice(0, 2));
  });
  afterAll(async () => {
    await onAllHosts(RESET, { become: true }).catch(() => undefined);
  });

  test('removing a member from a 2-member cluster: ETCD_QUORUM', async () => {
    expect(await memberTable('controller-0')).toEqual(['controller-0 started', 'controller-1 started']);
    const before = await fingerprints();
    const r = await tsplay('etcd-remove-member.ts', inventoryOf(names.slice(0, 2)), ['-e', 'etcdRemove=controller-1']);
    expectRefused(r, 'ETCD_QUORUM');
    await expectUnchanged(before);
    expect(await memberTable('controller-0')).toEqual(['controller-0 started', 'controller-1 started']);
  });

  test('a member down (etcd stopped on controller-2): join and remove are ETCD_UNHEALTHY', async () => {
    await bootstrap(names);
    await hostOutput('controller-2', 'systemctl stop etcd', { become: true });
    const before = await fingerprints();
    expectRefused(await tsplay('etcd-add-member.ts', inventoryOf(names)), 'ETCD_UNHEALTHY');
    expectRefused(await removeTwo(), 'ETCD_UNHEALTHY');
    await expectUnchanged(before);
    await hostOutput('controller-2', 'systemctl start etcd', { become: true });
    await waitFor(
      '3 healthy members',
      async () =>
        (await etcdctlOn('controller-0', 'endpoint health --cluster -w json')).match(/"health":true/g)?.length === 3 ? true : undefined,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });

  test('a learner added by hand and never started: ETCD_LEARNER_PENDING', async () => {
    const add = 'member add stray --learner --peer-urls=https://10.240.0.99:2380';
    await waitFor(
      'member add --learner',
      async () => ((await labHostExec('controller-0', `${CTL} ${add}`, { become: true })).code === 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const before = await fingerprints();
    expectRefused(await removeTwo(), 'ETCD_LEARNER_PENDING');
    await expectUnchanged(before);
    const id = (await etcdctlOn('controller-0', 'member list'))
      .split('\n')
      .find((l) => l.includes('10.240.0.99'))
      ?.split(', ')[0];
    expect(id).toMatch(/^[0-9a-f]+$/);
    await etcdctlOn('controller-0', `member remove ${id}`);
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
  });

  test('a second operation while another run holds a member: RUN_LOCKED before any host changes', async () => {
    const slow = holdWithSlowRun('controller-1', 25);
    await waitFor(
      'the slow run to hold the lock on controller-1',
      async () =>
        (
          await labHostExec(
            'controller-1',
            'd=/run/user/$(id -u)/tsplay; [ -d /run/user/$(id -u) ] || d=$HOME/.tsplay-lock; flock -n "$d/run.lock" true',
          )
        ).code !== 0
          ? true
          : undefined,
      { timeoutMs: 30_000 },
    );
    const before = await fingerprints();
    const r = await removeTwo();
    expectRefused(r, 'RUN_LOCKED');
    expect(r.stdout + r.stderr).toContain('controller-1');
    await expectUnchanged(before);
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
    expect((await slow).code).toBe(0);
  });
});

const CTL =
  'ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem --command-timeout=5s';

/** A real tsplay run that sleeps on one host (it holds that host's run lock while it runs). */
function holdWithSlowRun(host: string, seconds: number): Promise<{ code: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-slow-'));
  const file = join(dir, 'slow.ts');
  writeFileSync(
    file,
    [
      "import { definePlaybook, task } from '@tsplay/core';",
      "import { command } from '@tsplay/modules';",
      `export default definePlaybook({ name: 'slow', plays: [{ name: 'hold', hosts: '${host}', tasks: [task(command, { argv: ['sleep', '${seconds}'] }, { name: 'sleep' })] }] });`,
      '',
    ].join('\n'),
  );
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(REPO, 'packages/cli/bin/tsplay.js'), 'run', file, '-i', inventoryOf(names)], {
      cwd: REPO,
      stdio: 'ignore',
    });
    child.once('error', rej);
    child.once('close', (code) => res({ code: code ?? 255 }));
  });
}

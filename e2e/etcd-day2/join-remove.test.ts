/** Day 2 on the lab: join 3 -> 5 and remove 5 -> 3 with a writer running, re-runs, and refusals that change no host. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fingerprintDiff, fingerprintHost, type Fingerprint } from '../helpers/fingerprint.js';
import { hostOutput } from '../helpers/lab.js';
import { startBothWriters } from '../helpers/writer-both.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, memberTable, recordResult, tsplay, WRITE_BOUND_S } from './harness.js';

const names = [0, 1, 2, 3, 4].map((i) => `controller-${i}`);
const endpoints = (n: number) => names.slice(0, n).map((_, i) => `https://10.240.0.1${i}:2379`);

describe('etcd day 2: join and remove', () => {
  beforeAll(async () => {
    await labWith(5);
    const boot = await tsplay('etcd.ts', inventoryOf(names.slice(0, 3)));
    if (boot.code !== 0) throw new Error(`bootstrap of 3 members failed: ${boot.stdout.slice(-2000)}${boot.stderr}`);
  });
  afterAll(async () => {
    await labWith(3);
  });

  test('3 -> 5: both hosts join as learners one at a time, are promoted, and writes never stop', async () => {
    // the writers are given all 5 client URLs, as a client of the grown cluster would be: a learner serves
    // clients on 127.0.0.1 only, so no put reaches it before it is a voter
    const w = startBothWriters(endpoints(5), '/day2/join/');
    const r = await tsplay('etcd-add-member.ts', inventoryOf(names));
    const both = await w.stop();
    const report = both.gateway;
    recordResult('join 3->5', report);
    recordResult('join 3->5 (etcdctl)', both.etcdctl);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
    for (const [name, rep] of [
      ['gateway', report],
      ['etcdctl', both.etcdctl],
    ] as const) {
      expect(rep.writes, name).toBeGreaterThan(10);
      expect(rep.longestFailureRunS, `${name}: ${JSON.stringify(both.etcdctl.errors)}`).toBeLessThanOrEqual(WRITE_BOUND_S[name]);
    }
    expect(both.etcdctl.errors.filter((e) => /learner/.test(e.error))).toEqual([]);
    // each joined member ends with its normal unit, and the running etcd serves clients on its internal IP
    for (const i of [3, 4]) {
      const url = `https://10.240.0.1${i}:2379`;
      const out = await hostOutput(
        `controller-${i}`,
        `grep -cF -e '--advertise-client-urls ${url} ' /etc/systemd/system/etcd.service; tr '\\0' ' ' < /proc/$(systemctl show -p MainPID --value etcd)/cmdline | grep -cF -e '--listen-client-urls ${url},'`,
        { become: true },
      );
      expect(out.trim().split('\n'), `controller-${i}`).toEqual(['1', '1']);
    }
    const keys = await etcdctlOn('controller-4', "get /day2/join/ --prefix --keys-only | grep -c '^/day2/join/'");
    expect(Number(keys.trim())).toBeGreaterThanOrEqual(report.okSeqs.length);
  });

  test('a re-run changes nothing: the same member IDs, exit 0', async () => {
    const before = await etcdctlOn('controller-0', 'member list');
    const r = await tsplay('etcd-add-member.ts', inventoryOf(names), ['--json']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual([]);
    expect(await etcdctlOn('controller-0', 'member list')).toBe(before);
  });

  test('an even target (4 hosts) is refused with ETCD_EVEN_CLUSTER and a non-zero exit', async () => {
    const r = await tsplay('etcd-add-member.ts', inventoryOf(names.slice(0, 4)));
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('ETCD_EVEN_CLUSTER');
  });

  test('remove 5 -> 3 with the leader among the removed: leadership moves first, writes never stop', async () => {
    await moveLeaderTo('controller-4');
    const w = startBothWriters(endpoints(3), '/day2/remove/');
    const r = await tsplay('etcd-remove-member.ts', inventoryOf(names), ['-e', 'etcdRemove=controller-3,controller-4']);
    const both = await w.stop();
    const report = both.gateway;
    recordResult('remove 5->3', report);
    recordResult('remove 5->3 (etcdctl)', both.etcdctl);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(await memberTable('controller-0')).toEqual(names.slice(0, 3).map((n) => `${n} started`));
    for (const [name, rep] of [
      ['gateway', report],
      ['etcdctl', both.etcdctl],
    ] as const) {
      expect(rep.writes, name).toBeGreaterThan(10);
      expect(rep.longestFailureRunS, `${name}: ${JSON.stringify(both.etcdctl.errors)}`).toBeLessThanOrEqual(WRITE_BOUND_S[name]);
    }
    for (const h of ['controller-3', 'controller-4']) {
      const state = await hostOutput(
        h,
        'systemctl is-active etcd; systemctl is-enabled etcd; ls -d /var/lib/etcd /var/lib/etcd.removed-* 2>/dev/null | sed "s/-[0-9TZ]*$//"; true',
        { become: true },
      );
      expect(state.trim().split('\n')).toEqual(['inactive', 'disabled', '/var/lib/etcd.removed']);
    }
    const health = await etcdctlOn('controller-0', 'endpoint health --cluster -w json');
    expect(health.match(/"health":true/g)?.length).toBe(3);
  });

  test('a re-run of the remove changes nothing: the same member IDs, exit 0', async () => {
    const before = await etcdctlOn('controller-0', 'member list');
    const r = await tsplay('etcd-remove-member.ts', inventoryOf(names), ['--json', '-e', 'etcdRemove=controller-3,controller-4']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual([]);
    expect(await etcdctlOn('controller-0', 'member list')).toBe(before);
  });

  test('removing one of 3 (2 would stay) is refused with ETCD_EVEN_CLUSTER, and no host changed', async () => {
    const three = names.slice(0, 3);
    const before = await fingerprints(three);
    const r = await tsplay('etcd-remove-member.ts', inventoryOf(three), ['-e', 'etcdRemove=controller-2']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('ETCD_EVEN_CLUSTER');
    const after = await fingerprints(three);
    for (const h of three) expect(fingerprintDiff(before.get(h) ?? new Map(), after.get(h) ?? new Map()), h).toEqual([]);
    expect(await memberTable('controller-0')).toEqual(three.map((n) => `${n} started`));
  });
});

const SPEC = {
  roots: ['/etc/etcd', '/usr/local/bin'],
  paths: ['/etc/systemd/system/etcd.service', '/var/lib/etcd'],
  units: ['etcd.service'],
};

async function fingerprints(hosts: readonly string[]): Promise<Map<string, Fingerprint>> {
  return new Map(await Promise.all(hosts.map(async (h) => [h, await fingerprintHost(h, SPEC)] as const)));
}

/** `etcdctl move-leader` to `name`, sent to every member so the leader gets it (test setup, not tsplay). */
async function moveLeaderTo(name: string): Promise<void> {
  const list = await etcdctlOn('controller-0', 'member list');
  const id = list
    .split('\n')
    .find((l) => l.split(', ')[2] === name)
    ?.split(', ')[0];
  if (!id) throw new Error(`${name} is not in the member list: ${list}`);
  await etcdctlOn('controller-0', `--endpoints=${endpoints(5).join(',')} move-leader ${id}`);
  const status = await etcdctlOn('controller-0', `--endpoints=${endpoints(5).join(',')} endpoint status -w table`);
  if (!status.split('\n').some((l) => l.includes('10.240.0.14') && / true /.test(l)))
    throw new Error(`${name} did not become the leader: ${status}`);
}

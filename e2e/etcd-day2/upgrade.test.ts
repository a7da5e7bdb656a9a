/**
 * Day 2 on the lab: the rolling upgrade 3.4.23 -> 3.5.16 of 3 members with a writer running (followers
 * first, the leader last), a re-run that changes nothing, check mode and the version refusals that change
 * no host, and a broken 3.5.16 binary on the 2nd member that is rolled back. Oracles: etcd --version,
 * curl /version, etcdctl endpoint status/health/member list and systemd on the hosts, fingerprints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { explainDiff, fingerprintDiff, fingerprintHost, type Fingerprint } from '../helpers/fingerprint.js';
import { hostOutput, waitFor } from '../helpers/lab.js';
import { startBothWriters } from '../helpers/writer-both.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, memberTable, recordResult, tsplay, WRITE_BOUND_S, type CliRun } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const ipOf = (h: string) => `10.240.0.1${h.slice(-1)}`;
const endpoints = names.map((h) => `https://${ipOf(h)}:2379`);
const ALL = `--endpoints=${endpoints.join(',')}`;
const TLS = '--cacert /etc/etcd/ca.pem --cert /etc/etcd/kubernetes.pem --key /etc/etcd/kubernetes-key.pem';
const SPEC = {
  roots: ['/etc/etcd', '/usr/local/bin', '/usr/local/src', '/var/backups'],
  paths: ['/etc/systemd/system/etcd.service', '/var/lib/etcd'],
  units: ['etcd.service'],
};

/** A lab cluster of 3 members on 3.4.23 from scratch: etcd stopped and its state removed, then playbooks/etcd.ts. */
async function fresh34(): Promise<void> {
  const wipe =
    'systemctl stop etcd 2>/dev/null; systemctl reset-failed etcd 2>/dev/null; rm -rf /var/lib/etcd /var/lib/etcd.removed-* /var/backups/etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/bin/etcd.prev /usr/local/bin/etcdctl.prev /usr/local/src/etcd-v3.5.16-linux-amd64.tar.gz; true';
  await Promise.all(names.map((h) => hostOutput(h, wipe, { become: true })));
  const boot = await tsplay('etcd.ts', inventoryOf(names));
  if (boot.code !== 0) throw new Error(`bootstrap of 3 members on 3.4.23 failed: ${boot.stdout.slice(-2000)}${boot.stderr}`);
}

/** What a host says about its etcd: the binary's version and its server's `/version` answer. */
async function versionsOn(h: string): Promise<{ bin: string; server: string; cluster: string }> {
  const bin = /etcd Version: (\S+)/.exec(await hostOutput(h, '/usr/local/bin/etcd --version', { become: true }))?.[1] ?? '';
  const v = JSON.parse(await hostOutput(h, `curl -s --max-time 5 ${TLS} https://${ipOf(h)}:2379/version`, { become: true })) as {
    etcdserver: string;
    etcdcluster: string;
  };
  return { bin, server: v.etcdserver, cluster: v.etcdcluster };
}

/** The server version of every member as `etcdctl endpoint status` reports it, by endpoint. */
async function statusVersions(): Promise<Record<string, string>> {
  const out = await etcdctlOn('controller-0', `${ALL} endpoint status -w json`);
  const doc = JSON.parse(out.split('\n').find((l) => l.startsWith('[')) ?? '[]') as { Endpoint: string; Status: { version: string } }[];
  // the harness's etcdctl already names 127.0.0.1 (etcdctl adds repeated --endpoints): only the members' URLs count
  return Object.fromEntries(doc.filter((e) => endpoints.includes(e.Endpoint)).map((e) => [e.Endpoint, e.Status.version]));
}

/** The member etcdctl names leader (table column IS LEADER). */
async function leaderName(): Promise<string> {
  const table = await etcdctlOn('controller-0', `${ALL} endpoint status -w table`);
  const line = table.split('\n').find((l) => / true /.test(l.replace(/\|/g, ' ')) && l.includes('10.240.0.'));
  const ip = /10\.240\.0\.\d+/.exec(line ?? '')?.[0];
  const name = names.find((h) => ipOf(h) === ip);
  if (!name) throw new Error(`no leader in ${table}`);
  return name;
}

async function moveLeaderTo(name: string): Promise<void> {
  const id = (await etcdctlOn('controller-0', 'member list'))
    .split('\n')
    .find((l) => l.split(', ')[2] === name)
    ?.split(', ')[0];
  if (!id) throw new Error(`${name} is no member`);
  if ((await leaderName()) !== name) await etcdctlOn('controller-0', `${ALL} move-leader ${id}`);
  await waitFor(`${name} leads`, async () => ((await leaderName()) === name ? true : undefined), { timeoutMs: 20_000 });
}

async function healthyCount(): Promise<number> {
  return (await etcdctlOn('controller-0', 'endpoint health --cluster -w json')).match(/"health":true/g)?.length ?? 0;
}

async function fingerprints(): Promise<Map<string, Fingerprint>> {
  return new Map(await Promise.all(names.map(async (h) => [h, await fingerprintHost(h, SPEC)] as const)));
}

function expectSameHosts(before: Map<string, Fingerprint>, after: Map<string, Fingerprint>): void {
  for (const h of names) {
    const b = before.get(h) ?? new Map();
    const a = after.get(h) ?? new Map();
    expect(fingerprintDiff(b, a), `${h}:\n${explainDiff(b, a)}`).toEqual([]);
  }
}

const restartTask = (role: 'follower' | 'leader') => `${role}: restart on the new release (roll back if it does not come back)`;
const upgrade = (inv: string, extra: string[] = []) => tsplay('etcd-upgrade.ts', inv, ['-e', 'etcdVersion=3.5.16', '--json', ...extra]);

describe('etcd day 2: rolling upgrade 3.4.23 -> 3.5.16', () => {
  beforeAll(async () => {
    await labWith(3);
    await fresh34();
  });
  afterAll(async () => {
    // the broken tarball stays out of later runs (controller-1 keeps 3.5.16: the cluster version is still 3.4)
    await hostOutput('controller-2', 'rm -f /usr/local/src/etcd-v3.5.16-linux-amd64.tar.gz', { become: true }).catch(() => undefined);
  });

  test('--check predicts the upgrade of every member and changes no host; a downgrade and a skipped minor are refused', async () => {
    const inv = inventoryOf(names);
    const before = await fingerprints();
    const check = await upgrade(inv, ['--check']);
    expect(check.code, check.stdout.slice(-3000) + check.stderr).toBe(0);
    const leader = await leaderName();
    const predicted = changedOf(check);
    for (const h of names) expect(predicted).toContain(`${h} › ${restartTask(h === leader ? 'leader' : 'follower')}`);
    expect(predicted).toContain(`${leader} › etcd snapshot of the leader before the upgrade`);
    expectSameHosts(before, await fingerprints());

    for (const [version, code] of [
      ['3.4.22', 'ETCD_DOWNGRADE'],
      ['3.6.0', 'ETCD_SKIP_MINOR'],
    ] as const) {
      const r = await tsplay('etcd-upgrade.ts', inv, ['-e', `etcdVersion=${version}`]);
      expect(r.code, `${version}: ${r.stdout.slice(-2000)}`).not.toBe(0);
      expect(r.stdout + r.stderr).toContain(code);
      expectSameHosts(before, await fingerprints());
    }
  });

  test('3 members: followers first, the leader last after move-leader, writes never stop, cluster version 3.5', async () => {
    const inv = inventoryOf(names);
    const leader = await leaderName();
    const members = await etcdctlOn('controller-0', 'member list');
    const w = startBothWriters(endpoints, '/day2/upgrade/');
    const r = await upgrade(inv);
    const both = await w.stop();
    const report = both.gateway;
    recordResult('upgrade 3.4.23->3.5.16', report);
    recordResult('upgrade 3.4.23->3.5.16 (etcdctl)', both.etcdctl);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    // the run ends once the leader has raised the cluster version
    for (const h of names) expect(await versionsOn(h), h).toEqual({ bin: '3.5.16', server: '3.5.16', cluster: '3.5.0' });
    expect(Object.values(await statusVersions())).toEqual(['3.5.16', '3.5.16', '3.5.16']);
    expect(await etcdctlOn('controller-0', 'member list')).toBe(members);
    expect(await healthyCount()).toBe(3);
    // the leader was restarted last (systemd's start times, one monotonic clock for all the lab's hosts)
    const started = Object.fromEntries(
      await Promise.all(
        names.map(
          async (h) => [h, Number((await hostOutput(h, 'systemctl show etcd -p ExecMainStartTimestampMonotonic --value')).trim())] as const,
        ),
      ),
    );
    for (const h of names.filter((x) => x !== leader))
      expect(started[leader] ?? 0, `${leader} restarted after ${h}`).toBeGreaterThan(started[h] ?? Infinity);
    // previous binaries kept, a checked snapshot on the leader only
    for (const h of names)
      expect(await hostOutput(h, '/usr/local/bin/etcd.prev --version', { become: true })).toContain('etcd Version: 3.4.23');
    const snap = await hostOutput(
      leader,
      'ls /var/backups/etcd/pre-upgrade-*.db && ETCDCTL_API=3 /usr/local/bin/etcdctl snapshot status /var/backups/etcd/pre-upgrade-*.db -w json 2>/dev/null',
      { become: true },
    );
    expect(snap).toMatch(/"totalKey":\d+/);
    for (const h of names.filter((x) => x !== leader))
      expect(await hostOutput(h, 'ls /var/backups/etcd 2>/dev/null | wc -l', { become: true })).toBe('0\n');
    for (const [name, rep] of [
      ['gateway', report],
      ['etcdctl', both.etcdctl],
    ] as const) {
      expect(rep.writes, name).toBeGreaterThan(10);
      expect(rep.longestFailureRunS, `${name}: ${JSON.stringify(both.etcdctl.errors)}`).toBeLessThanOrEqual(WRITE_BOUND_S[name]);
    }
    const keys = await etcdctlOn('controller-2', "get /day2/upgrade/ --prefix --keys-only | grep -c '^/day2/upgrade/'");
    expect(Number(keys.trim())).toBeGreaterThanOrEqual(report.okSeqs.length);
    const ctlKeys = await etcdctlOn('controller-2', `get ${w.etcdctlPrefix} --prefix --keys-only | grep -c '^${w.etcdctlPrefix}'`);
    expect(Number(ctlKeys.trim())).toBeGreaterThanOrEqual(both.etcdctl.okSeqs.length);
  });

  test('a re-run on the upgraded cluster changes nothing', async () => {
    const members = await etcdctlOn('controller-0', 'member list');
    const r = await upgrade(inventoryOf(names));
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual([]);
    expect(await etcdctlOn('controller-0', 'member list')).toBe(members);
  });

  test('a broken 3.5.16 etcd for the 2nd member: ETCD_UPGRADE_FAILED, that member back on 3.4.23, the cluster healthy', async () => {
    await fresh34();
    await moveLeaderTo('controller-0'); // order: controller-1, controller-2 (the 2nd), controller-0
    // a release tarball whose etcd exits 1, where the role's download would put 3.5.16 on controller-2
    const sha = (
      await hostOutput(
        'controller-2',
        [
          'set -e; d=$(mktemp -d); t=$d/etcd-v3.5.16-linux-amd64; mkdir $t',
          `printf '#!/bin/sh\\necho "etcd: broken build (test)" >&2\\nexit 1\\n' > $t/etcd`,
          'cp /usr/local/bin/etcdctl $t/etcdctl; chmod 0755 $t/etcd $t/etcdctl',
          'tar -czf /usr/local/src/etcd-v3.5.16-linux-amd64.tar.gz -C $d etcd-v3.5.16-linux-amd64; rm -rf $d',
          'sha256sum /usr/local/src/etcd-v3.5.16-linux-amd64.tar.gz | cut -c1-64',
        ].join('\n'),
        { become: true },
      )
    ).trim();
    const inv = inventoryOf(names);
    const text = readFileSync(inv, 'utf8');
    const patched = text.replace(
      /(controller-2: \{[^\n]*internalIp: "10\.240\.0\.12")/,
      `$1, etcdChecksums: { "3.5.16": "sha256:${sha}" }`,
    );
    expect(patched).not.toBe(text);
    writeFileSync(inv, patched);

    const w = startBothWriters(endpoints, '/day2/upgrade-broken/');
    const r = await upgrade(inv, ['-e', 'etcdUpgradeBudgetS=60']);
    const both = await w.stop();
    const report = both.gateway;
    recordResult('upgrade with a broken binary on the 2nd member (rolled back)', report);
    recordResult('upgrade with a broken binary on the 2nd member (rolled back) (etcdctl)', both.etcdctl);
    expect(r.code, r.stdout.slice(-3000)).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/ETCD_UPGRADE_FAILED[^\n]*controller-2/);
    expect(r.stdout + r.stderr).toContain('rolled back to etcd 3.4.23');
    expect(await versionsOn('controller-2')).toMatchObject({ bin: '3.4.23', server: '3.4.23' });
    expect(await versionsOn('controller-1')).toMatchObject({ bin: '3.5.16', server: '3.5.16' });
    expect(await versionsOn('controller-0')).toMatchObject({ bin: '3.4.23', server: '3.4.23', cluster: '3.4.0' });
    expect(await statusVersions()).toEqual({
      [endpoints[0] ?? '']: '3.4.23',
      [endpoints[1] ?? '']: '3.5.16',
      [endpoints[2] ?? '']: '3.4.23',
    });
    expect(await hostOutput('controller-0', 'ls /usr/local/bin/etcd.prev 2>/dev/null | wc -l', { become: true })).toBe('0\n');
    expect(await hostOutput('controller-2', 'systemctl is-active etcd', { become: true })).toBe('active\n');
    expect(await healthyCount()).toBe(3);
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
    expect(report.longestFailureRunS).toBeLessThanOrEqual(0.5);
    expect(both.etcdctl.longestFailureRunS, JSON.stringify(both.etcdctl.errors)).toBeLessThanOrEqual(WRITE_BOUND_S.etcdctl);
  });
});

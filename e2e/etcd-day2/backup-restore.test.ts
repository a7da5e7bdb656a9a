/**
 * Day 2 on the lab, 3 members: verified snapshots from the leader with retention and a timer, disaster
 * recovery of a cluster that lost 2 of 3 members, and restores that refuse a missing or corrupt snapshot
 * without changing any host. Oracles: etcdctl, systemctl, ls and grep on the hosts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fingerprintDiff, fingerprintHost, type Fingerprint } from '../helpers/fingerprint.js';
import { hostOutput, onAllHosts } from '../helpers/lab.js';
import { etcdctlOn, inventoryOf, labWith, memberTable, tsplay, type CliRun } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const DIR = '/var/backups/etcd';
const ALL = names.map((_, i) => `https://10.240.0.1${i}:2379`).join(',');
let inv = '';

const fail = (r: CliRun) => r.stdout.slice(-3000) + r.stderr;

/** The leader, from the IS LEADER column of etcdctl's own table. */
async function leaderHost(): Promise<string> {
  const t = await etcdctlOn('controller-0', `--endpoints=${ALL} endpoint status -w table`);
  // etcdctlOn's own 127.0.0.1 endpoint is listed too: take the leader's row by its member address
  const line = t.split('\n').find((l) => / true /.test(l.split('|')[5] ?? '') && /10\.240\.0\.1\d:2379/.test(l));
  const i = /10\.240\.0\.1(\d):2379/.exec(line ?? '')?.[1];
  if (i === undefined) throw new Error(`no leader in:\n${t}`);
  return `controller-${i}`;
}

/** Every entry of the backup dir on a host (hidden ones too), sorted. */
async function backupDir(host: string): Promise<string[]> {
  const out = await hostOutput(host, `ls -1A ${DIR} 2>/dev/null; true`, { become: true });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** `changed=N` of each host in the recap. */
function changedByHost(stdout: string): Map<string, number> {
  return new Map([...stdout.matchAll(/^(controller-\d)\s*: ok=\d+\s+changed=(\d+)/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
}

/** The newest backup on any member: [host, name]. */
async function newestBackup(): Promise<[string, string]> {
  const all = (
    await Promise.all(
      names.map(async (h) => (await backupDir(h)).filter((f) => f.startsWith('etcd-')).map((f) => [h, f] as [string, string])),
    )
  ).flat();
  const last = all.sort((a, b) => a[1].localeCompare(b[1])).at(-1);
  if (!last) throw new Error('no backup on any member');
  return last;
}

const clusterId = async () => /"cluster_id":(\d+)/.exec(await etcdctlOn('controller-0', 'member list -w json'))?.[1] ?? '';

describe('etcd day 2: backup and restore', () => {
  beforeAll(async () => {
    await labWith(3);
    inv = inventoryOf(names);
    await onAllHosts(
      `systemctl disable --now etcd-backup.timer 2>/dev/null; rm -rf ${DIR} /etc/systemd/system/etcd-backup.* /usr/local/sbin/etcd-backup; systemctl daemon-reload`,
      { become: true },
    );
    const boot = await tsplay('etcd.ts', inv);
    if (boot.code !== 0) throw new Error(`bootstrap of 3 members failed: ${fail(boot)}`);
  });
  afterAll(async () => {
    await onAllHosts(
      `systemctl disable --now etcd-backup.timer 2>/dev/null; rm -f /etc/systemd/system/etcd-backup.* /usr/local/sbin/etcd-backup; systemctl daemon-reload`,
      { become: true },
    );
  });

  test('backup: --check changes nothing; a run saves one verified snapshot on the leader, no temp file left', async () => {
    await etcdctlOn('controller-0', 'put /bk/one 1');
    const leader = await leaderHost();
    const spec = { shallow: [DIR], paths: ['/usr/local/sbin/etcd-backup'] };
    const before = await Promise.all(names.map((h) => fingerprintHost(h, spec)));
    const check = await tsplay('etcd-backup.ts', inv, ['--check']);
    expect(check.code, fail(check)).toBe(0);
    const after = await Promise.all(names.map((h) => fingerprintHost(h, spec)));
    names.forEach((h, i) => expect(fingerprintDiff(before[i] ?? new Map(), after[i] ?? new Map()), h).toEqual([]));

    const r = await tsplay('etcd-backup.ts', inv);
    expect(r.code, fail(r)).toBe(0);
    const files = await backupDir(leader);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^etcd-\d{8}T\d{6}\.\d{3}Z\.db$/);
    const status = JSON.parse(await etcdctlOn(leader, `snapshot status ${DIR}/${files[0]} -w json`)) as {
      hash: number;
      revision: number;
      totalKey: number;
    };
    expect(status.totalKey).toBeGreaterThan(0);
    expect(status.revision).toBeGreaterThan(0);
    for (const h of names.filter((n) => n !== leader)) expect(await backupDir(h), h).toEqual([]);
  });

  test('backup: K+2 runs with etcdBackupKeep=2 leave exactly the 2 newest', async () => {
    const leader = await leaderHost();
    const seen = new Set(await backupDir(leader));
    for (let i = 0; i < 3; i++) {
      const r = await tsplay('etcd-backup.ts', inv, ['-e', 'etcdBackupKeep=2']);
      expect(r.code, fail(r)).toBe(0);
      for (const f of await backupDir(leader)) seen.add(f);
    }
    expect(seen.size).toBe(4);
    expect(await backupDir(leader)).toEqual([...seen].sort().slice(-2));
  });

  test('backup timer: enabled and active on every member; its service takes a new snapshot and prunes', async () => {
    const r = await tsplay('etcd-backup.ts', inv, ['-e', 'etcdBackupKeep=2', '-e', 'etcdBackupTimer=true']);
    expect(r.code, fail(r)).toBe(0);
    for (const h of names) {
      expect(
        (await hostOutput(h, 'systemctl is-enabled etcd-backup.timer; systemctl is-active etcd-backup.timer', { become: true }))
          .trim()
          .split('\n'),
        h,
      ).toEqual(['enabled', 'active']);
    }
    const again = await tsplay('etcd-backup.ts', inv, ['-e', 'etcdBackupKeep=2', '-e', 'etcdBackupTimer=true']);
    expect(again.code, fail(again)).toBe(0);
    const leader = await leaderHost();
    const changed = changedByHost(again.stdout);
    // the leader: its new snapshot and the prune of the oldest of 3; the timer tasks are idempotent everywhere
    expect([...changed.entries()].sort()).toEqual(names.map((h) => [h, h === leader ? 2 : 0]));
    const before = await backupDir(leader);
    await hostOutput(leader, 'systemctl start etcd-backup.service', { become: true });
    const after = await backupDir(leader);
    expect(after).toHaveLength(2);
    const fresh = after.filter((f) => !before.includes(f));
    expect(fresh).toHaveLength(1);
    expect((fresh[0] ?? '') > (before.at(-1) ?? '')).toBe(true);
    await etcdctlOn(leader, `snapshot status ${DIR}/${fresh[0] ?? ''} -w json`);
  });

  test('restore: 2 of 3 members wiped; every member restored from one snapshot, new token, keys of the snapshot only', async () => {
    for (const k of ['a', 'b', 'c']) await etcdctlOn('controller-0', `put /rs/${k} ${k}`);
    const r1 = await tsplay('etcd-backup.ts', inv, ['-e', 'etcdBackupKeep=2']);
    expect(r1.code, fail(r1)).toBe(0);
    const holder = await leaderHost();
    const snapshot = `${DIR}/${(await backupDir(holder)).filter((f) => f.startsWith('etcd-')).at(-1) ?? ''}`;
    await etcdctlOn('controller-0', 'put /rs/d d');
    const oldCluster = await clusterId();
    const wiped = names.filter((h) => h !== 'controller-0').slice(0, 2);
    for (const h of wiped) await hostOutput(h, 'systemctl stop etcd && rm -rf /var/lib/etcd', { become: true });

    const r = await tsplay('etcd-restore.ts', inv, ['-e', `etcdRestoreFrom=${snapshot}`, '-e', `etcdRestoreHost=${holder}`]);
    expect(r.code, fail(r)).toBe(0);
    for (const h of names) expect(await memberTable(h), h).toEqual(names.map((n) => `${n} started`));
    const health = await etcdctlOn('controller-0', 'endpoint health --cluster -w json');
    expect(health.match(/"health":true/g)?.length).toBe(3);
    expect((await etcdctlOn('controller-1', 'get /rs/ --prefix --keys-only')).split('\n').filter((l) => l !== '')).toEqual([
      '/rs/a',
      '/rs/b',
      '/rs/c',
    ]);
    expect(await clusterId()).not.toBe(oldCluster);
    for (const h of names) {
      const unit = await hostOutput(h, 'grep -o -- "--initial-cluster-token [^ ]*" /etc/systemd/system/etcd.service', { become: true });
      expect(unit.trim(), h).toMatch(/^--initial-cluster-token etcd-restore-\d{8}t\d{6}z$/);
    }
    // the data dir of the member that was not wiped is kept, not deleted
    expect(await hostOutput('controller-0', 'ls -d /var/lib/etcd.pre-restore-*/member', { become: true })).toMatch(/pre-restore-/);
  });

  test('restore from a workstation file, with a token given: the same snapshot on every member', async () => {
    const [holder, name] = await newestBackup();
    const local = join(mkdtempSync(join(tmpdir(), 'tsplay-restore-ws-')), name);
    writeFileSync(local, Buffer.from(await hostOutput(holder, `base64 -w0 ${DIR}/${name}`, { become: true }), 'base64'));
    await etcdctlOn('controller-0', 'put /rs/e e');
    const r = await tsplay('etcd-restore.ts', inv, ['-e', `etcdRestoreFrom=${local}`, '-e', 'etcdRestoreToken=etcd-restore-ws-1']);
    expect(r.code, fail(r)).toBe(0);
    for (const h of names) expect(await memberTable(h), h).toEqual(names.map((n) => `${n} started`));
    expect((await etcdctlOn('controller-2', 'get /rs/ --prefix --keys-only')).split('\n').filter((l) => l !== '')).toEqual([
      '/rs/a',
      '/rs/b',
      '/rs/c',
    ]);
    const sums = await Promise.all(
      names.map((h) =>
        hostOutput(
          h,
          `sha256sum < ${DIR}/restore/snapshot.db; grep -c -- '--initial-cluster-token etcd-restore-ws-1 ' /etc/systemd/system/etcd.service`,
          { become: true },
        ),
      ),
    );
    expect(new Set(sums).size).toBe(1);
    expect(sums[0]?.trim().split('\n')[1]).toBe('1');
  });

  test('restore refuses a missing or corrupt snapshot with a code, and --check predicts; no host changes', async () => {
    await hostOutput('controller-1', `head -c 20000 /dev/urandom > ${DIR}/corrupt.db`, { become: true });
    const local = join(mkdtempSync(join(tmpdir(), 'tsplay-restore-bad-')), 'bad.db');
    writeFileSync(local, 'not a snapshot\n'.repeat(1000));
    const spec = {
      roots: ['/etc/etcd', DIR],
      paths: ['/etc/systemd/system/etcd.service', '/var/lib/etcd', '/var/lib'],
      units: ['etcd.service'],
    };
    const cases: [string[], string][] = [
      [['-e', `etcdRestoreFrom=${DIR}/none.db`, '-e', 'etcdRestoreHost=controller-1'], 'ETCD_SNAPSHOT_MISSING'],
      [['-e', `etcdRestoreFrom=${DIR}/corrupt.db`, '-e', 'etcdRestoreHost=controller-1'], 'ETCD_SNAPSHOT_INVALID'],
      [['-e', `etcdRestoreFrom=${local}`], 'ETCD_SNAPSHOT_INVALID'],
    ];
    const [holder, newest] = await newestBackup();
    const good = `${DIR}/${newest}`;
    cases.push([['--check', '-e', `etcdRestoreFrom=${good}`, '-e', `etcdRestoreHost=${holder}`], '']);
    for (const [args, code] of cases) {
      const before = await fingerprints(spec);
      const r = await tsplay('etcd-restore.ts', inv, args);
      if (code === '') expect(r.code, `a dry run predicts and succeeds: ${fail(r)}`).toBe(0);
      else expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout + r.stderr).toContain(code);
      const after = await fingerprints(spec);
      for (const h of names)
        expect(fingerprintDiff(before.get(h) ?? new Map(), after.get(h) ?? new Map()), `${h} after ${args.join(' ')}`).toEqual([]);
    }
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
  });
});

async function fingerprints(spec: Parameters<typeof fingerprintHost>[1]): Promise<Map<string, Fingerprint>> {
  return new Map(await Promise.all(names.map(async (h) => [h, await fingerprintHost(h, spec)] as const)));
}

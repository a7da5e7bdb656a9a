/**
 * Issue 28, off-host backups on the lab (3 members converged by etcd.ts): etcd-backup.ts with
 * etcdBackupFetchTo brings the verified snapshot to the workstation (checked here with the lab release's own
 * etcdctl `snapshot status` and against `sha256sum` on the member), keeps the newest N there, is `ok` when run
 * again for the same snapshot; then etcd-restore.ts from the workstation copy brings the keys back. The restore
 * uses the inventory's token, so the cluster ends as etcd.ts converges it (proved by a run that changes nothing).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { labPaths } from '@tsplay/lab';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostOutput, onAllHosts } from '../helpers/lab.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, memberTable, tsplay, type CliRun } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const DIR = '/var/backups/etcd';
const SNAP = /^etcd-\d{8}T\d{6}\.\d{3}Z\.db$/;
const OLD = ['etcd-20200101T000000.000Z.db', 'etcd-20200102T000000.000Z.db'];
let inv = '';
let ws = '';
let etcdctl = '';
let archivesBefore = new Set<string>();

const fail = (r: CliRun) => r.stdout.slice(-3000) + r.stderr;
type Ev = { type: string; host?: string; task?: string; status?: string };
const results = (r: CliRun, task: string) =>
  r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Ev)
    .filter((e) => e.type === 'task.result' && e.task === task)
    .map((e) => `${e.host} ${e.status}`);
const FETCH = 'fetch the snapshot to the workstation (sha256 checked)';
const snapshots = () =>
  readdirSync(ws)
    .filter((f) => SNAP.test(f))
    .sort();
const archives = async () =>
  new Set(
    (await onAllHosts('ls -d /var/lib/etcd.pre-restore-* 2>/dev/null; true', { become: true })).flatMap((r, i) =>
      r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => `${i}:${l}`),
    ),
  );

describe('etcd day 2: backups off the host', () => {
  beforeAll(async () => {
    await labWith(3);
    inv = inventoryOf(names);
    const boot = await tsplay('etcd.ts', inv);
    if (boot.code !== 0) throw new Error(`converge of 3 members failed: ${fail(boot)}`);
    ws = mkdtempSync(join(tmpdir(), 'tsplay-offhost-'));
    // the workstation's own etcdctl, from the release tarball the lab serves (an oracle tsplay does not run)
    const bin = mkdtempSync(join(tmpdir(), 'tsplay-etcdctl-'));
    execFileSync('tar', ['-xzf', labPaths().tarball, '-C', bin, '--strip-components=1', 'etcd-v3.4.23-linux-amd64/etcdctl']);
    etcdctl = join(bin, 'etcdctl');
    archivesBefore = await archives();
  });
  afterAll(async () => {
    // the archived data dirs of this file's restore only (each a full copy of the data)
    const made = [...(await archives())].filter((a) => !archivesBefore.has(a));
    for (const a of made) {
      const [i, path] = a.split(':');
      await hostOutput(names[Number(i)] ?? '', `rm -rf -- '${path ?? ''}'`, { become: true });
    }
  });

  test("etcdBackupFetchTo: --check writes nothing and says unknown; the run fetches the verified snapshot (0600, sha256 = the member's), keeps the newest 1", async () => {
    for (const [k, v] of [
      ['a', '1'],
      ['b', '2'],
    ])
      await etcdctlOn('controller-0', `put /offhost/${k} ${v}`);
    for (const f of [...OLD, 'notes.txt']) writeFileSync(join(ws, f), 'not a snapshot\n');
    const check = await tsplay('etcd-backup.ts', inv, [
      '--check',
      '--json',
      '-e',
      `etcdBackupFetchTo=${ws}`,
      '-e',
      'etcdBackupFetchKeep=1',
    ]);
    expect(check.code, fail(check)).toBe(0);
    expect(results(check, FETCH).filter((r) => r.endsWith(' unknown'))).toHaveLength(1);
    expect(readdirSync(ws).sort()).toEqual([...OLD, 'notes.txt'].sort());

    const r = await tsplay('etcd-backup.ts', inv, ['--json', '-e', `etcdBackupFetchTo=${ws}`, '-e', 'etcdBackupFetchKeep=1']);
    expect(r.code, fail(r)).toBe(0);
    const [name, ...more] = snapshots();
    expect(more).toEqual([]); // the two old names pruned (keep 1), the new one kept
    expect(name).not.toBe(OLD[1]);
    expect(readdirSync(ws).sort()).toEqual([name, 'notes.txt'].sort()); // no temp file, other files untouched
    const local = join(ws, name ?? '');
    expect(statSync(local).mode & 0o777).toBe(0o600);
    const status = JSON.parse(
      execFileSync(etcdctl, ['snapshot', 'status', local, '-w', 'json'], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8' }),
    ) as { totalKey: number; revision: number };
    expect(status.totalKey).toBeGreaterThanOrEqual(2);
    expect(status.revision).toBeGreaterThan(0);
    const holder = (results(r, FETCH).find((l) => l.endsWith(' changed')) ?? '').split(' ')[0] ?? '';
    expect(names).toContain(holder);
    const onHost = (await hostOutput(holder, `sha256sum ${DIR}/${name}`, { become: true })).split(' ')[0];
    expect(createHash('sha256').update(readFileSync(local)).digest('hex')).toBe(onHost);
  });

  test('the same snapshot again (etcdBackupSnapshot=false): the fetch is ok and nothing changes anywhere', async () => {
    const before = snapshots();
    const r = await tsplay('etcd-backup.ts', inv, [
      '--json',
      '-e',
      `etcdBackupFetchTo=${ws}`,
      '-e',
      'etcdBackupFetchKeep=1',
      '-e',
      'etcdBackupSnapshot=false',
    ]);
    expect(r.code, fail(r)).toBe(0);
    expect(results(r, FETCH).filter((l) => !l.endsWith(' skipped'))).toEqual([expect.stringMatching(/ ok$/)]);
    expect(changedOf(r)).toEqual([]);
    expect(snapshots()).toEqual(before);
  });

  test('restore from the workstation copy: keys changed after the backup are as they were, 3 members started and healthy', async () => {
    await etcdctlOn('controller-1', 'put /offhost/a changed');
    await etcdctlOn('controller-1', 'del /offhost/b');
    await etcdctlOn('controller-1', 'put /offhost/c 3');
    // the directory: its newest snapshot is restored; the inventory's token, so the unit is etcd.ts's own
    const r = await tsplay('etcd-restore.ts', inv, ['-e', `etcdRestoreFrom=${ws}`, '-e', 'etcdRestoreToken=etcd-cluster-0']);
    expect(r.code, fail(r)).toBe(0);
    for (const h of names) expect(await memberTable(h), h).toEqual(names.map((n) => `${n} started`));
    const health = await etcdctlOn('controller-0', 'endpoint health --cluster -w json');
    expect(health.match(/"health":true/g)?.length).toBe(3);
    expect((await etcdctlOn('controller-2', 'get /offhost/ --prefix')).trim().split('\n')).toEqual(['/offhost/a', '1', '/offhost/b', '2']);
    const converge = await tsplay('etcd.ts', inv, ['--json']);
    expect(converge.code, fail(converge)).toBe(0);
    expect(changedOf(converge)).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeader, parseLeaderProbe } from './backup-leader.js';
import { parseBackupDir, planPrune } from './backup-prune.js';
import { BACKUP_RE, backupName, backupScript, parseBackupOutput } from './backup-script.js';
import { backupTimer } from './backup-timer.js';
import { EtcdBackupVars } from './backup-vars.js';

const fx = (n: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', n), 'utf8');
const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const members = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));

describe('backup names', () => {
  it('are UTC ISO basic times that match BACKUP_RE and sort by time', () => {
    const a = backupName(new Date('2025-01-02T03:04:05.006Z'));
    expect(a).toBe('etcd-20250102T030405.006Z.db');
    expect(BACKUP_RE.test(a)).toBe(true);
    expect(BACKUP_RE.test('.etcd-20250102T030405.006Z.db.tmp')).toBe(false);
    expect(BACKUP_RE.test('etcd-notes.db')).toBe(false);
    const b = backupName(new Date('2025-01-02T03:04:05.100Z'));
    expect([b, a].sort()).toEqual([a, b]);
  });
});

describe('planPrune', () => {
  const files = [
    'etcd-20250101T000000.000Z.db',
    'etcd-20250103T000000.000Z.db',
    'etcd-20250102T000000.000Z.db',
    'etcd-notes.db',
    'pre-upgrade-1.db',
  ];
  it('keeps the newest K backups and deletes older backups only', () => {
    expect(planPrune({ files, stale: [] }, 2)).toEqual({
      keep: ['etcd-20250102T000000.000Z.db', 'etcd-20250103T000000.000Z.db'],
      remove: ['etcd-20250101T000000.000Z.db'],
    });
    expect(planPrune({ files, stale: [] }, 3).remove).toEqual([]);
    expect(planPrune({ files: [], stale: [] }, 7)).toEqual({ keep: [], remove: [] });
  });
  it('deletes stale snapshot temps, never other hidden files', () => {
    const d = parseBackupDir(
      'F .etcd-20250101T000000.000Z.db.tmp\nF .etcd-20250101T000000.000Z.db.tmp.part\nS .etcd-20250101T000000.000Z.db.tmp\nS .etcd-keep\n',
    );
    expect(d.stale).toEqual(['.etcd-20250101T000000.000Z.db.tmp']);
    expect(planPrune(d, 7).remove).toEqual(['.etcd-20250101T000000.000Z.db.tmp']);
  });
});

describe('findLeader', () => {
  it('finds the member every endpoint names as leader (recorded 3.4 output)', () => {
    const p = parseLeaderProbe(fx('endpoint-status-3.4.json'));
    expect(findLeader(p.statuses, members)).toMatchObject({ name: 'controller-0', ip: '10.240.0.10' });
  });
  it('reports an unreachable endpoint and still finds the leader among the others', () => {
    const p = parseLeaderProbe(fx('endpoint-status-one-down.txt'));
    expect(p.problems[0]).toContain('https://10.240.0.19:2379');
    expect(findLeader(p.statuses, members)).toMatchObject({ name: 'controller-0' });
  });
  it('says why when there is no leader', () => {
    expect(findLeader([], members)).toMatch(/no member answered/);
    expect(findLeader(parseLeaderProbe(fx('endpoint-status-3.4.json')).statuses, members.slice(1))).toMatch(
      /not a member of the inventory/,
    );
    expect(parseLeaderProbe('Error: context deadline exceeded').statuses).toEqual([]);
  });
});

describe('parseBackupOutput', () => {
  it('reads the saved path, the verified status and the pruned files', () => {
    const out = `@@saved /var/backups/etcd/etcd-20250101T000000.000Z.db\n@@status ${fx('snapshot-status-3.4.json').trim()}\n@@pruned etcd-20241231T000000.000Z.db\n`;
    expect(parseBackupOutput(out)).toEqual({
      saved: '/var/backups/etcd/etcd-20250101T000000.000Z.db',
      status: { hash: 1837441948, revision: 0, totalKey: 5, totalSize: 20480 },
      pruned: ['etcd-20241231T000000.000Z.db'],
    });
    expect(parseBackupOutput('@@skip not the leader\n')).toEqual({ pruned: [], skipped: 'not the leader' });
  });
});

describe('the backup script (run by /bin/sh in a temp dir)', () => {
  it('off the leader (no etcd here) it takes no snapshot and prunes to K, leaving other files alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-backup-'));
    const names = ['etcd-20250101T000000.000Z.db', 'etcd-20250102T000000.000Z.db', 'etcd-20250103T000000.000Z.db', 'etcd-notes.db'];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    const script = backupScript({ ...tls, dir, keep: 2, ifLeader: true, etcdctl: join(dir, 'no-etcdctl') });
    const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    expect(parseBackupOutput(out)).toEqual({ pruned: ['etcd-20250101T000000.000Z.db'], skipped: 'not the leader' });
    expect(readdirSync(dir).sort()).toEqual(names.slice(1));
  });
  it('fails (non-zero) without naming a backup when the snapshot cannot be saved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-backup-'));
    const script = backupScript({ ...tls, dir, etcdctl: join(dir, 'no-etcdctl') });
    expect(() => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', stdio: 'pipe' })).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('EtcdBackupVars', () => {
  it('defaults to 7 backups in /var/backups/etcd and no timer; true means daily', () => {
    expect(EtcdBackupVars.parse({})).toMatchObject({ etcdBackupDir: '/var/backups/etcd', etcdBackupKeep: 7, etcdBackupTimer: false });
    expect(EtcdBackupVars.parse({ etcdBackupTimer: true }).etcdBackupTimer).toBe('daily');
    expect(EtcdBackupVars.parse({ etcdBackupTimer: '*-*-* 02:30:00' }).etcdBackupTimer).toBe('*-*-* 02:30:00');
    expect(EtcdBackupVars.safeParse({ etcdBackupKeep: 0 }).success).toBe(false);
    expect(EtcdBackupVars.safeParse({ etcdBackupTimer: 'daily\nExecStart=/bin/evil' }).success).toBe(false);
  });
  it('the timer unit carries the calendar', () => {
    expect(backupTimer('hourly')).toContain('\nOnCalendar=hourly\nPersistent=true\n');
  });
});

import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRestoreToken, EtcdRestoreVars } from './backup-vars.js';
import { judgeLocalSnapshot, parseSnapshotCheck, snapshotBytesProblem } from './restore-check.js';
import { archiveOf, restoreFlags, restoreScript } from './restore.js';

/** A file laid out like `snapshot save` writes it: bolt pages (magic in the meta page), then the sha256 of them. */
function snapshotLike(pages = 4): Buffer {
  const body = Buffer.alloc(4096 * pages, 7);
  body.writeUInt32LE(0xed0cdaed, 16);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

describe('snapshotBytesProblem', () => {
  it('accepts bolt pages followed by their sha256', () => {
    expect(snapshotBytesProblem(snapshotLike())).toBeUndefined();
  });
  it('refuses a flipped byte, a truncated file, a foreign file', () => {
    const bad = snapshotLike();
    bad[5000] = 0;
    expect(snapshotBytesProblem(bad)).toMatch(/sha256 .* does not match/);
    expect(snapshotBytesProblem(snapshotLike().subarray(0, 4096 * 3))).toMatch(/not a bolt database followed by its sha256/);
    const foreign = Buffer.alloc(4096 * 4 + 32, 1);
    expect(snapshotBytesProblem(foreign)).toMatch(/not a bolt database/);
    expect(snapshotBytesProblem(Buffer.from('hello'))).toMatch(/too small/);
  });
  it('judges workstation files: missing vs invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-restore-'));
    writeFileSync(join(dir, 'ok.db'), snapshotLike());
    writeFileSync(join(dir, 'bad.db'), 'not a snapshot');
    expect(judgeLocalSnapshot(join(dir, 'ok.db')).kind).toBe('ok');
    expect(judgeLocalSnapshot(join(dir, 'bad.db')).kind).toBe('invalid');
    expect(judgeLocalSnapshot(join(dir, 'none.db')).kind).toBe('missing');
  });
});

describe('parseSnapshotCheck', () => {
  it('reads a verified status (3.4 etcdctl, 3.5 etcdctl with its deprecation line)', () => {
    const ok = parseSnapshotCheck('{"hash":1837441948,"revision":12,"totalKey":9,"totalSize":20480}\n@@rc 0\n', '/s.db');
    expect(ok).toMatchObject({ kind: 'ok', status: { revision: 12, totalKey: 9 } });
    const ok35 = parseSnapshotCheck(
      'Deprecated: Use `etcdutl snapshot status` instead.\n\n{"hash":1,"revision":2,"totalKey":3,"totalSize":4}\n@@rc 0\n',
      '/s.db',
    );
    expect(ok35.kind).toBe('ok');
  });
  it('tells a missing file from a corrupt one', () => {
    expect(parseSnapshotCheck('@@absent\n', '/s.db')).toMatchObject({ kind: 'missing' });
    const bad = parseSnapshotCheck('Error: invalid database\n@@rc 1\n', '/s.db');
    expect(bad).toMatchObject({ kind: 'invalid' });
    expect(bad.detail).toContain('invalid database');
    expect(parseSnapshotCheck('garbage\n@@rc 0\n', '/s.db').kind).toBe('invalid');
  });
});

describe('restore', () => {
  const a = {
    self: { name: 'controller-1', ip: '10.240.0.11' },
    members: [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` })),
    snapshot: '/var/backups/etcd/restore/snapshot.db',
    token: 'etcd-restore-1',
    dataDir: '/var/lib/etcd',
    stamp: '20250101T000000Z',
    etcdctl: '/usr/local/bin/etcdctl',
    etcdutl: '/usr/local/bin/etcdutl',
  };
  it('gives snapshot restore the flags of etcd recovery guide', () => {
    expect(restoreFlags(a)).toEqual([
      '--name=controller-1',
      '--initial-cluster=controller-0=https://10.240.0.10:2380,controller-1=https://10.240.0.11:2380,controller-2=https://10.240.0.12:2380',
      '--initial-cluster-token=etcd-restore-1',
      '--initial-advertise-peer-urls=https://10.240.0.11:2380',
      '--data-dir=/var/lib/etcd',
    ]);
  });
  it('stops etcd and moves the data dir aside before restoring, never deletes it', () => {
    const s = restoreScript(a);
    expect(s.indexOf('systemctl stop etcd')).toBeLessThan(s.indexOf('mv /var/lib/etcd /var/lib/etcd.pre-restore-20250101T000000Z'));
    expect(s.indexOf('mv /var/lib/etcd')).toBeLessThan(s.indexOf('snapshot restore'));
    expect(s).not.toMatch(/rm -/);
    expect(archiveOf(a)).toBe('/var/lib/etcd.pre-restore-20250101T000000Z');
  });
  it('the vars give the unit a new token: etcdRestoreToken, or one default for the whole run', () => {
    const v = EtcdRestoreVars.parse({ etcdRestoreFrom: '/b.db', etcdClusterToken: 'etcd-cluster-0' });
    expect(v.etcdClusterToken).toBe(defaultRestoreToken);
    expect(defaultRestoreToken).toMatch(/^etcd-restore-\d{8}t\d{6}z$/);
    expect(EtcdRestoreVars.parse({ etcdRestoreFrom: '/b.db', etcdRestoreToken: 'new-1' }).etcdClusterToken).toBe('new-1');
    expect(EtcdRestoreVars.safeParse({}).success).toBe(false);
  });
});

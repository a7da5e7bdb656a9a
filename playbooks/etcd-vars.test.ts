/**
 * Issue 25: every value the etcd playbooks put into etcd.service, a shell or a config line is checked by
 * the playbook's vars schema, through `validateVars` (what `tsplay run` and `--check` call for every host
 * before any task). A newline, a shell or systemd metacharacter where none belongs is VARS_INVALID naming
 * the field, on every etcd playbook that takes the var.
 */
import { isTsplayError, type Playbook, type ResolvedHost } from '@tsplay/core';
import { validateVars } from '@tsplay/core/engine';
import { describe, expect, it } from 'vitest';
import addMember from './etcd-add-member.js';
import backup from './etcd-backup.js';
import defrag from './etcd-defrag.js';
import recoverSpace from './etcd-recover-space.js';
import removeMember from './etcd-remove-member.js';
import restore from './etcd-restore.js';
import upgrade from './etcd-upgrade.js';
import etcd from './etcd.js';

const PLAYBOOKS: Record<string, Playbook> = { etcd, addMember, removeMember, backup, restore, upgrade, defrag, recoverSpace };
const HEX = 'ab'.repeat(32);

function host(vars: Record<string, unknown>): ResolvedHost {
  return {
    name: 'controller-0',
    address: '10.240.0.10',
    groups: ['controllers'],
    vars: { internalIp: '10.240.0.10', etcdRestoreFrom: '/var/backups/etcd/etcd-1.db', ...vars },
    hostKeyChecking: 'strict',
    connection: 'ssh',
  };
}

/** The field validateVars names, or 'accepted'. */
function verdict(pb: Playbook, vars: Record<string, unknown>): string {
  try {
    validateVars(pb, host(vars), 'inventory.yaml');
    return 'accepted';
  } catch (e) {
    if (!isTsplayError(e) || e.code !== 'VARS_INVALID') throw e;
    return String(e.field);
  }
}

/** A line break that would start a new unit line, and what an attacker would put on it. */
const INJECT = '\nExecStartPre=/bin/sh -c "id > /tmp/pwned"';
const BAD = [
  INJECT,
  '\r\nExecStartPre=/bin/true',
  'x;id',
  'x$(id)',
  'x`id`',
  "x'y",
  'x"y',
  'x y',
  'x\ty',
  'x%n',
  'x\\',
  'x\u2028y',
  'x|id',
  'x&id',
  'x>y',
];

/** Fields of the role (every etcd playbook), with a good value each, and what a bad value is built on. */
const ROLE: Record<string, { good: unknown; base: string }> = {
  etcdClusterToken: { good: 'etcd-cluster-1', base: 'etcd-cluster-0' },
  etcdName: { good: 'controller-0', base: 'controller-0' },
  internalIp: { good: '10.240.0.10', base: '10.240.0.10' },
  etcdDataDir: { good: '/var/lib/etcd-2', base: '/var/lib/etcd' },
  etcdDownloadDir: { good: '/usr/local/src', base: '/usr/local/src' },
  etcdCaFile: { good: 'pki dir/ca.pem', base: 'ca.pem' },
  etcdCertFile: { good: '/lab/pki/kubernetes.pem', base: 'kubernetes.pem' },
  etcdKeyFile: { good: 'kubernetes-key.pem', base: 'kubernetes-key.pem' },
  etcdReleaseUrlBase: { good: 'https://10.240.0.1:8443/etcd-io/etcd/releases/download', base: 'https://example.org/etcd' },
  etcdChecksum: { good: `sha256:${HEX}`, base: `sha256:${HEX}` },
  etcdVersion: { good: '3.5.16', base: '3.4.15' },
  etcdGroup: { good: 'controllers', base: 'controllers' },
  etcdInitialClusterState: { good: 'existing', base: 'new' },
};

describe('etcd vars: what reaches a unit, a shell or a config line (issue 25)', () => {
  for (const [name, pb] of Object.entries(PLAYBOOKS)) {
    it(`${name}: good values pass; a newline or metacharacter in any field is VARS_INVALID naming it`, () => {
      expect(verdict(pb, {})).toBe('accepted');
      for (const [field, { good, base }] of Object.entries(ROLE)) {
        expect(verdict(pb, { [field]: good }), `${field}=${String(good)}`).toBe('accepted');
        for (const bad of BAD) expect(verdict(pb, { [field]: `${base}${bad}` }), `${field}=${JSON.stringify(base + bad)}`).toBe(field);
      }
    });
  }

  it('etcdChecksums: keyed by release, each value a checksum (a newline in one is refused by its path)', () => {
    expect(verdict(etcd, { etcdChecksums: { '3.5.16': `sha256:${HEX}` } })).toBe('accepted');
    expect(verdict(etcd, { etcdChecksums: { '3.5.16': `sha256:${HEX}${INJECT}` } })).toBe('etcdChecksums.3.5.16');
    expect(verdict(etcd, { etcdChecksums: { '3.5.16\nx': `sha256:${HEX}` } })).toMatch(/^etcdChecksums/);
  });

  it('etcdRemove: each name is one word', () => {
    expect(verdict(removeMember, { etcdRemove: 'controller-3,controller-4' })).toBe('accepted');
    for (const bad of BAD.filter((b) => !b.includes(',')))
      expect(verdict(removeMember, { etcdRemove: `controller-3${bad}` }), JSON.stringify(bad)).toMatch(/^etcdRemove(\.\d+)?$/);
  });

  it('backup and restore: their dirs, timer, token, source host and path', () => {
    const cases: [Playbook, string, string, string][] = [
      [backup, 'etcdBackupDir', '/var/backups/etcd', '/var/backups/etcd'],
      [backup, 'etcdBackupTimer', '*-*-* 02:30:00', 'daily'],
      [restore, 'etcdBackupDir', '/var/backups/etcd', '/var/backups/etcd'],
      [restore, 'etcdRestoreStageDir', '/var/backups/etcd/restore', '/var/backups/etcd/restore'],
      [restore, 'etcdRestoreToken', 'etcd-restore-1', 'etcd-restore-1'],
      [restore, 'etcdRestoreHost', 'controller-1', 'controller-1'],
    ];
    for (const [pb, field, good, base] of cases) {
      expect(verdict(pb, { [field]: good }), field).toBe('accepted');
      for (const bad of BAD.filter((b) => !(field === 'etcdBackupTimer' && /^x[ ]y$/.test(b))))
        expect(verdict(pb, { [field]: `${base}${bad}` }), `${field}=${JSON.stringify(base + bad)}`).toBe(field);
    }
    // a workstation snapshot may have blanks in its path, never a line break; on a host it is a plain path
    expect(verdict(restore, { etcdRestoreFrom: '/home/me/my backups/etcd.db' })).toBe('accepted');
    expect(verdict(restore, { etcdRestoreFrom: `/tmp/s.db${INJECT}` })).toBe('etcdRestoreFrom');
    expect(verdict(restore, { etcdRestoreFrom: '/var/backups/etcd 1.db', etcdRestoreHost: 'controller-1' })).toBe('etcdRestoreFrom');
    expect(verdict(restore, { etcdRestoreFrom: '/var/backups/etcd/etcd-1.db', etcdRestoreHost: 'controller-1' })).toBe('accepted');
  });

  it('maintenance (issue 28): compaction, quota, defrag threshold and minimum are numbers or one word', () => {
    const cases: [Playbook, string, string][] = [
      [etcd, 'etcdAutoCompactionRetention', '1h'],
      [etcd, 'etcdQuotaBackendBytes', '33554432'],
      [defrag, 'etcdDefragThreshold', '0.3'],
      [defrag, 'etcdDefragMinBytes', '1048576'],
      [recoverSpace, 'etcdDefragTimeoutS', '60'],
    ];
    for (const [pb, field, good] of cases) {
      expect(verdict(pb, { [field]: good }), field).toBe('accepted');
      for (const bad of BAD) expect(verdict(pb, { [field]: `${good}${bad}` }), `${field}=${JSON.stringify(good + bad)}`).toBe(field);
    }
  });

  it('the error names host, file and field, and says how to fix it', () => {
    let err: unknown;
    try {
      validateVars(etcd, host({ etcdClusterToken: `etcd-cluster-0${INJECT}` }), 'inventory.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'VARS_INVALID', host: 'controller-0', file: 'inventory.yaml', field: 'etcdClusterToken' });
    expect(String((err as Error).message)).toMatch(/etcdClusterToken may hold only letters, digits and \. _ -/);
  });
});

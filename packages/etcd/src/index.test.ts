import { describe, expect, it } from 'vitest';
import * as etcd from './index.js';

/**
 * The public surface: what playbooks/, e2e/, bench/ and other packages may rely on. An internal name
 * (a judge, a parser, a script builder) is not here, so renaming it is no API change.
 */
const PUBLIC = {
  role: [
    'etcdRole',
    'etcdPlay',
    'etcdTasks',
    'etcdRoleParts',
    'etcdPlays',
    'hostCertPaths',
    'memberName',
    'ETCD_UNIT_PATH',
    'ETCD_CONFIG_DIR',
    'ETCD_BIN_DIR',
  ],
  vars: [
    'EtcdVars',
    'EtcdBackupVars',
    'EtcdRestoreVars',
    'EtcdUpgradeVars',
    'EtcdDefragVars',
    'EtcdReplaceVars',
    'EtcdCertsVars',
    'EtcdRotateCaVars',
  ],
  modules: [
    'etcdBootstrapGuard',
    'etcdVerify',
    'etcdRestartState',
    'etcdRollingRestart',
    'etcdPreflight',
    'etcdJoin',
    'etcdLeave',
    'etcdReplace',
    'etcdLeader',
    'etcdSnapshot',
    'etcdBackupPrune',
    'etcdBackupKeepLocal',
    'etcdSnapshotCheck',
    'etcdSnapshotSource',
    'etcdSnapshotFetch',
    'etcdRestoreMember',
    'etcdUpgradePreflight',
    'etcdUpgradeSnapshot',
    'etcdUpgradeKeep',
    'etcdUpgradeMember',
    'etcdUpgradeSettled',
    'etcdMaintenancePreflight',
    'etcdDefragMember',
    'etcdCompact',
    'etcdAlarmDisarm',
    'etcdWriteProbe',
    'etcdCertReport',
    'etcdCaState',
  ],
  backupPlaybook: [
    'localSnapshotPath',
    'isLeader',
    'timerScript',
    'backupService',
    'backupTimer',
    'BACKUP_SCRIPT_PATH',
    'BACKUP_SERVICE_PATH',
    'BACKUP_TIMER',
    'BACKUP_TIMER_PATH',
  ],
  certPlaybooks: ['certRoll', 'ipOf', 'rotationFiles'],
  oracles: ['parseMemberListJson'],
  codes: ['ETCD_DAY2_CODES', 'ETCD_BACKUP_CODES', 'ETCD_ROLLING_CODES', 'ETCD_REPLACE_CODES'],
};

describe('@tsplay/etcd public surface', () => {
  it('exports exactly the public names: playbook parts, vars schemas, modules, what the playbooks and e2e oracles use, error codes', () => {
    expect(Object.keys(etcd).sort()).toEqual(Object.values(PUBLIC).flat().sort());
  });

  it('every module is a module and every vars schema parses its defaults', () => {
    for (const m of PUBLIC.modules)
      expect((etcd as Record<string, unknown>)[m], m).toMatchObject({ name: expect.stringMatching(/^etcd-/), args: expect.anything() });
    for (const v of [etcd.EtcdVars, etcd.EtcdBackupVars, etcd.EtcdUpgradeVars, etcd.EtcdDefragVars])
      expect(v.safeParse({}).success).toBe(true);
    expect(etcd.EtcdRestoreVars.safeParse({ etcdRestoreFrom: '/tmp/s.db' }).success).toBe(true);
  });
});

/**
 * `@tsplay/etcd`: what playbooks use. The role and its plays, the vars schemas, the day-2 modules, the
 * helpers the day-2 playbooks name hosts and files with, the member list parser (e2e oracles) and the error
 * codes. Everything else (judges, parsers, scripts) is internal and tested beside its file.
 */
// the role and its plays (KTHW chapter 07 + the rolling restart)
import './error-codes.js';
export {
  etcdRole,
  etcdPlay,
  etcdTasks,
  etcdRoleParts,
  hostCertPaths,
  memberName,
  ETCD_UNIT_PATH,
  ETCD_CONFIG_DIR,
  ETCD_BIN_DIR,
} from './role.js';
export type { EtcdTasks, EtcdRoleOptions, EtcdPlayOptions, EtcdRoleParts } from './role.js';
export { etcdPlays } from './day2/rolling-play.js';
export type { EtcdMember } from './unit.js';
// vars
export { EtcdVars } from './vars.js';
export type { EtcdVarsInput } from './vars.js';
export { EtcdBackupVars, EtcdRestoreVars } from './day2/backup-vars.js';
export { EtcdUpgradeVars } from './day2/upgrade-vars.js';
// modules of the role
export { etcdBootstrapGuard } from './guard.js';
export type { GuardVerdict } from './guard.js';
export { etcdVerify } from './verify.js';
export type { VerifyResult } from './verify.js';
export { etcdRestartState, etcdRollingRestart } from './day2/rolling.js';
export type { RestartNeed } from './day2/rolling-state.js';
// day 2: join, remove
export { etcdPreflight } from './day2/preflight.js';
export { etcdJoin } from './day2/join.js';
export { etcdLeave } from './day2/remove.js';
// day 2: replace a member whose data is gone
export { etcdReplace } from './day2/replace.js';
export { EtcdReplaceVars } from './day2/replace-vars.js';
export { ETCD_REPLACE_CODES } from './day2/replace-judge.js';
// day 2: backup, restore
export { etcdLeader, isLeader } from './day2/backup-leader.js';
export type { Leader } from './day2/backup-leader.js';
export { etcdSnapshot } from './day2/backup.js';
export type { SnapshotResult } from './day2/backup.js';
export { etcdBackupPrune } from './day2/backup-prune.js';
export { etcdBackupKeepLocal } from './day2/backup-fetch.js';
export {
  timerScript,
  backupService,
  backupTimer,
  BACKUP_SCRIPT_PATH,
  BACKUP_SERVICE_PATH,
  BACKUP_TIMER,
  BACKUP_TIMER_PATH,
} from './day2/backup-timer.js';
export { etcdSnapshotCheck, etcdSnapshotSource } from './day2/restore-check.js';
export { etcdSnapshotFetch } from './day2/restore-fetch.js';
export type { FetchedSnapshot } from './day2/restore-fetch.js';
export { etcdRestoreMember } from './day2/restore.js';
export { localSnapshotPath } from './day2/restore-local.js';
// day 2: upgrade
export { etcdUpgradePreflight, etcdUpgradeSnapshot } from './day2/upgrade-preflight.js';
export type { UpgradeSnapshot } from './day2/upgrade-preflight.js';
export type { UpgradeRun } from './day2/upgrade-judge.js';
export { etcdUpgradeKeep } from './day2/upgrade-keep.js';
export { etcdUpgradeMember } from './day2/upgrade-member.js';
export { etcdUpgradeSettled } from './day2/upgrade-verify.js';
// day 2: maintenance (defrag, NOSPACE recovery)
export { EtcdDefragVars } from './day2/defrag-vars.js';
export { etcdMaintenancePreflight, etcdDefragMember } from './day2/defrag.js';
export type { DefragResult } from './day2/defrag.js';
export type { MaintenanceRun } from './day2/defrag-judge.js';
export { etcdCompact, etcdAlarmDisarm, etcdWriteProbe } from './day2/recover-space.js';
// day 2: certificates (report, renewal) and CA rotation
export { EtcdCertsVars } from './day2/certs-vars.js';
export { etcdCertReport } from './day2/certs.js';
export type { CertReport, ReportItem } from './day2/certs-judge.js';
export { certRoll, ipOf } from './day2/certs-roll.js';
export { EtcdRotateCaVars, rotationFiles } from './day2/ca-rotate-vars.js';
export { etcdCaState } from './day2/ca-rotate.js';
export type { CaState, CaPhase } from './day2/ca-rotate-judge.js';
// oracles and error codes
export { parseMemberListJson } from './members.js';
export type { MemberStatus, MemberList } from './members.js';
export { ETCD_DAY2_CODES } from './day2/checks.js';
export type { EtcdDay2Code, Refusal } from './day2/checks.js';
export { ETCD_BACKUP_CODES } from './day2/restore-check.js';
export type { EtcdBackupCode } from './day2/restore-check.js';
export { ETCD_ROLLING_CODES } from './day2/rolling.js';

import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import { copy, systemd } from '@tsplay/modules';
import {
  BACKUP_SCRIPT_PATH,
  BACKUP_SERVICE_PATH,
  BACKUP_TIMER,
  BACKUP_TIMER_PATH,
  EtcdBackupVars,
  backupService,
  backupTimer,
  etcdBackupPrune,
  etcdLeader,
  etcdSnapshot,
  hostCertPaths,
  isLeader,
  memberName,
  timerScript,
} from '@tsplay/etcd';

/**
 * etcd day 2: a verified snapshot from the leader, saved as /var/backups/etcd/etcd-<UTC time>.db, then the
 * newest `etcdBackupKeep` (default 7) kept on every member. `-e etcdBackupTimer=true` (daily) or an
 * OnCalendar expression also installs etcd-backup.service + .timer on every member, running the same
 * snapshot (on the leader) and prune (see packages/etcd/README.md, "Backup"). A backup is always a change.
 */
type Ctx = TaskContext<EtcdBackupVars>;
const ip = (h: HostInfo) => String(h.vars.internalIp ?? '');
const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ip(h) }));
const timerOn = (c: Ctx) => c.vars.etcdBackupTimer !== false;

const leader = task(etcdLeader, (c: Ctx) => ({ members: members(c), ...hostCertPaths(c.vars) }), { name: 'find the etcd leader', runOnce: true });
const snapshot = task(etcdSnapshot, (c: Ctx) => ({ dir: c.vars.etcdBackupDir, ...hostCertPaths(c.vars) }), {
  name: 'etcd snapshot (verified, then named)',
  when: (c: Ctx) => isLeader(c.result(leader), ip(c.host)),
});
const prune = task(etcdBackupPrune, (c: Ctx) => ({ dir: c.vars.etcdBackupDir, keep: c.vars.etcdBackupKeep }), { name: 'keep the newest backups' });

const script = task(
  copy,
  (c: Ctx) => ({ dest: BACKUP_SCRIPT_PATH, mode: '0750', content: timerScript({ dir: c.vars.etcdBackupDir, keep: c.vars.etcdBackupKeep, ...hostCertPaths(c.vars) }) }),
  { name: 'etcd backup script', when: timerOn },
);
const service = task(copy, { dest: BACKUP_SERVICE_PATH, mode: '0644', content: backupService() }, { name: 'etcd-backup.service', when: timerOn });
const timer = task(copy, (c: Ctx) => ({ dest: BACKUP_TIMER_PATH, mode: '0644', content: backupTimer(String(c.vars.etcdBackupTimer)) }), {
  name: 'etcd-backup.timer',
  when: timerOn,
});
const schedule = task(systemd, (c: Ctx) => ({ name: BACKUP_TIMER, state: 'started' as const, enabled: true, daemonReload: true, restart: c.notified }), {
  name: 'enable and start etcd-backup.timer',
  when: timerOn,
  notifiedBy: [timer, service],
});

export default definePlaybook({
  name: 'etcd-backup',
  vars: EtcdBackupVars,
  plays: [{ name: 'etcd backup', hosts: 'controllers', become: true, maxFailPercentage: 0, tasks: [leader, snapshot, prune, script, service, timer, schedule] }],
});

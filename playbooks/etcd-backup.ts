import { resolve } from 'node:path';
import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import { copy, fetch, systemd } from '@tsplay/modules';
import {
  BACKUP_SCRIPT_PATH,
  BACKUP_SERVICE_PATH,
  BACKUP_TIMER,
  BACKUP_TIMER_PATH,
  EtcdBackupVars,
  backupService,
  backupTimer,
  etcdBackupKeepLocal,
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
 * `-e etcdBackupFetchTo=DIR` also fetches the snapshot to DIR on the workstation (sha256 checked, atomic,
 * 0600) and keeps the newest `etcdBackupFetchKeep` there; with `-e etcdBackupSnapshot=false` no snapshot is
 * taken and the newest backup any member has is fetched (`ok` when DIR already has it).
 */
type Ctx = TaskContext<EtcdBackupVars>;
const ip = (h: HostInfo) => String(h.vars.internalIp ?? '');
const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ip(h) }));
const timerOn = (c: Ctx) => c.vars.etcdBackupTimer !== false;

const leader = task(etcdLeader, (c: Ctx) => ({ members: members(c), ...hostCertPaths(c.vars) }), {
  name: 'find the etcd leader',
  runOnce: true,
});
const snapshot = task(etcdSnapshot, (c: Ctx) => ({ dir: c.vars.etcdBackupDir, ...hostCertPaths(c.vars) }), {
  name: 'etcd snapshot (verified, then named)',
  when: (c: Ctx) => c.vars.etcdBackupSnapshot && isLeader(c.result(leader), ip(c.host)),
});
const prune = task(etcdBackupPrune, (c: Ctx) => ({ dir: c.vars.etcdBackupDir, keep: c.vars.etcdBackupKeep }), {
  name: 'keep the newest backups',
});

/** Off the host: the snapshot this run took (on the leader), or the newest backup any member keeps. */
const newestKept = (c: Ctx): { host: string; name: string } | undefined =>
  c
    .hosts(c.vars.etcdGroup)
    .flatMap((h) => (c.resultOf(h.name, prune)?.data?.keep ?? []).map((name) => ({ host: h.name, name })))
    .sort((a, b) => a.name.localeCompare(b.name))
    .at(-1);
/** The host file to fetch from this host; in check mode the new snapshot's name is not known (the fetch is then `unknown`). */
const fetchSrc = (c: Ctx): string | undefined => {
  if (c.vars.etcdBackupSnapshot)
    return isLeader(c.result(leader), ip(c.host)) ? (c.result(snapshot)?.data?.path ?? `${c.vars.etcdBackupDir}/etcd-new.db`) : undefined;
  const n = newestKept(c);
  return n?.host === c.host.name ? `${c.vars.etcdBackupDir}/${n.name}` : undefined;
};
const fetchTo = (c: Ctx): string => resolve(c.vars.etcdBackupFetchTo ?? '.');
const offHost = task(fetch, (c: Ctx) => ({ src: fetchSrc(c) ?? '/', dest: `${fetchTo(c)}/`, flat: true, secret: true }), {
  name: 'fetch the snapshot to the workstation (sha256 checked)',
  when: (c: Ctx) => c.vars.etcdBackupFetchTo !== undefined && fetchSrc(c) !== undefined,
});
/** The name of the snapshot the fetch brought, from whichever member ran it. */
const fetched = (c: Ctx): string | undefined =>
  c
    .hosts(c.vars.etcdGroup)
    .map((h) => c.resultOf(h.name, offHost)?.data?.dest)
    .find((d) => d !== undefined)
    ?.split('/')
    .at(-1);
const keepLocal = task(
  etcdBackupKeepLocal,
  (c: Ctx) => {
    const name = fetched(c);
    const nothing =
      !c.vars.etcdBackupSnapshot && newestKept(c) === undefined ? { nothing: `no member keeps a backup in ${c.vars.etcdBackupDir}` } : {};
    return {
      dir: fetchTo(c),
      keep: c.vars.etcdBackupFetchKeep,
      ...nothing,
      ...(name !== undefined && name !== 'etcd-new.db' ? { incoming: name } : { pending: c.check }),
    };
  },
  { name: 'keep the newest snapshots on the workstation', runOnce: true, when: (c: Ctx) => c.vars.etcdBackupFetchTo !== undefined },
);

const script = task(
  copy,
  (c: Ctx) => ({
    dest: BACKUP_SCRIPT_PATH,
    mode: '0750',
    content: timerScript({ dir: c.vars.etcdBackupDir, keep: c.vars.etcdBackupKeep, ...hostCertPaths(c.vars) }),
  }),
  { name: 'etcd backup script', when: timerOn },
);
const service = task(
  copy,
  { dest: BACKUP_SERVICE_PATH, mode: '0644', content: backupService() },
  { name: 'etcd-backup.service', when: timerOn },
);
const timer = task(copy, (c: Ctx) => ({ dest: BACKUP_TIMER_PATH, mode: '0644', content: backupTimer(String(c.vars.etcdBackupTimer)) }), {
  name: 'etcd-backup.timer',
  when: timerOn,
});
const schedule = task(
  systemd,
  (c: Ctx) => ({ name: BACKUP_TIMER, state: 'started' as const, enabled: true, daemonReload: true, restart: c.notified }),
  {
    name: 'enable and start etcd-backup.timer',
    when: timerOn,
    notifiedBy: [timer, service],
  },
);

export default definePlaybook({
  name: 'etcd-backup',
  vars: EtcdBackupVars,
  plays: [
    {
      name: 'etcd backup',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [leader, snapshot, prune, offHost, keepLocal, script, service, timer, schedule],
    },
  ],
});

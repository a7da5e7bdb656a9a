import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import { copy, file } from '@tsplay/modules';
import {
  EtcdRestoreVars,
  etcdRestoreMember,
  etcdSnapshotCheck,
  etcdSnapshotFetch,
  etcdSnapshotSource,
  etcdTasks,
  hostCertPaths,
  localSnapshotPath,
  memberName,
} from '@tsplay/etcd';

/**
 * etcd day 2, disaster recovery: restore every member of the inventory group from one snapshot with a new
 * cluster token (see packages/etcd/README.md, "Restore").
 *   tsplay run playbooks/etcd-restore.ts -i INV -e etcdRestoreFrom=/var/backups/etcd/etcd-<time>.db -e etcdRestoreHost=controller-1
 * Without etcdRestoreHost, etcdRestoreFrom is a workstation file, or a directory of them (e.g. etcd-backup.ts's
 * etcdBackupFetchTo), of which the newest etcd-<time>.db is restored. Refused, with no host changed, when the
 * snapshot does not exist or fails its integrity check. Every member needs internalIp in the inventory.
 */
type Ctx = TaskContext<EtcdRestoreVars>;
const ip = (h: HostInfo) => String(h.vars.internalIp ?? '');
const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ip(h) }));
const fromHost = (c: Ctx) => c.vars.etcdRestoreHost;
const isSource = (c: Ctx) => fromHost(c) !== undefined && (c.host.name === fromHost(c) || memberName(c.host) === fromHost(c));
const staged = (c: Ctx) => `${c.vars.etcdRestoreStageDir}/snapshot.db`;
/** One stamp per run: the archived data dirs of all members get the same suffix. */
const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
const role = etcdTasks({ prefix: 'restore: ' });

const source = task(
  etcdSnapshotSource,
  (c: Ctx) => {
    const host = fromHost(c);
    return {
      from: host === undefined ? localSnapshotPath(c.vars.etcdRestoreFrom) : c.vars.etcdRestoreFrom,
      hosts: c.hosts(c.vars.etcdGroup).flatMap((h) => [h.name, memberName(h)]),
      ...(host === undefined ? {} : { host }),
    };
  },
  { name: 'the snapshot source', runOnce: true },
);
const check = task(etcdSnapshotCheck, (c: Ctx) => ({ path: c.vars.etcdRestoreFrom }), {
  name: 'snapshot status on the source',
  when: isSource,
});
const fetch = task(etcdSnapshotFetch, (c: Ctx) => ({ path: c.vars.etcdRestoreFrom }), {
  name: 'read the snapshot to the workstation',
  when: isSource,
});
/** The workstation file every member gets: the fetched copy, or etcdRestoreFrom itself. */
const localCopy = (c: Ctx): string => {
  const host = fromHost(c);
  if (host === undefined) return localSnapshotPath(c.vars.etcdRestoreFrom);
  const src = c.hosts(c.vars.etcdGroup).find((h) => h.name === host || memberName(h) === host)?.name ?? host;
  return c.resultOf(src, fetch)?.data?.local ?? '';
};

export default definePlaybook({
  name: 'etcd-restore',
  vars: EtcdRestoreVars,
  plays: [
    {
      name: 'etcd restore: the snapshot (no host is changed when it refuses)',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [source, check, fetch],
    },
    {
      name: 'etcd restore',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      // every member must be stopped and restored before any starts the new cluster (a member of the old
      // one still running would talk to it): the hosts keep in step
      strategy: 'linear',
      tasks: [
        task(file, (c: Ctx) => ({ path: c.vars.etcdRestoreStageDir, state: 'directory' as const, mode: '0700' }), {
          name: 'restore stage dir',
        }),
        task(copy, (c: Ctx) => ({ dest: staged(c), src: localCopy(c), mode: '0600' }), { name: 'the same snapshot on every member' }),
        task(etcdSnapshotCheck, (c: Ctx) => ({ path: staged(c) }), { name: 'snapshot status on every member' }),
        task(
          etcdRestoreMember,
          (c: Ctx) => ({
            self: { name: memberName(c.host), ip: ip(c.host) },
            members: members(c),
            snapshot: staged(c),
            token: c.vars.etcdClusterToken,
            dataDir: c.vars.etcdDataDir,
            stamp: STAMP,
          }),
          { name: 'stop etcd, keep the data dir, snapshot restore' },
        ),
        role.unit,
        role.start,
        role.memberList,
        role.health,
      ],
    },
  ],
});

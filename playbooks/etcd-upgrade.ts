import { definePlaybook, task, type HostInfo, type Task, type TaskContext } from '@tsplay/core';
import {
  EtcdUpgradeVars,
  etcdTasks,
  etcdUpgradeKeep,
  etcdUpgradeMember,
  etcdUpgradePreflight,
  etcdUpgradeSettled,
  etcdUpgradeSnapshot,
  hostCertPaths,
  memberName,
} from '@tsplay/etcd';

/**
 * etcd day 2: rolling upgrade to `-e etcdVersion=3.5.16` (one minor version up at most, never down), see
 * packages/etcd/README.md, "Rolling upgrade". A read-only preflight on every member refuses with a coded
 * error before any host changes; then a snapshot of the leader is taken and checked; then the followers,
 * one at a time, and the leader last (after move-leader): previous binaries kept as .prev, the release
 * installed by the role's download and unarchive, restart, wait for health, /version and the raft index,
 * and a rollback to .prev with ETCD_UPGRADE_FAILED when a member does not come back. The run ends when every
 * member runs the release and the leader has raised the cluster version.
 */
type Ctx = TaskContext<EtcdUpgradeVars>;
const ipOf = (h: HostInfo): string => String(h.vars.internalIp ?? h.address);
const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ipOf(h) }));

const preflight = task(etcdUpgradePreflight, (c: Ctx) => ({ target: members(c), version: c.vars.etcdVersion, ...hostCertPaths(c.vars) }), {
  name: 'etcd upgrade preflight',
});
const verdict = (c: Ctx) => c.result(preflight)?.data;
/** This host led the cluster when the preflight asked (it is upgraded last). */
const ledAtPreflight = (c: Ctx): boolean => verdict(c)?.leaderIp === ipOf(c.host);

const snapshot = task(etcdUpgradeSnapshot, (c: Ctx) => ({ ...hostCertPaths(c.vars) }), {
  name: 'etcd snapshot of the leader before the upgrade',
  // every member's preflight passed, something is left to upgrade, and this is the leader
  when: (c: Ctx) =>
    c.play.hosts.every((h) => c.resultOf(h, preflight)?.status === 'ok') && (verdict(c)?.todo.length ?? 0) > 0 && ledAtPreflight(c),
});

const withWhen = <T extends Task>(t: T, when: (c: Ctx) => boolean): T => ({ ...t, when: (c: Ctx) => (t.when?.(c) ?? true) && when(c) });

/** The upgrade of one member, on the hosts `mine` picks. */
function memberTasks(prefix: string, mine: (c: Ctx) => boolean): Task[] {
  const role = etcdTasks({ prefix });
  return [
    task(etcdUpgradeKeep, (c: Ctx) => ({ version: c.vars.etcdVersion }), { name: `${prefix}keep the previous etcd as .prev`, when: mine }),
    withWhen(role.fetch, mine),
    withWhen(role.install, mine),
    task(
      etcdUpgradeMember,
      (c: Ctx) => ({
        self: { name: memberName(c.host), ip: ipOf(c.host) },
        members: members(c),
        version: c.vars.etcdVersion,
        budgetMs: c.vars.etcdUpgradeBudgetS * 1000,
        ...hostCertPaths(c.vars),
      }),
      { name: `${prefix}restart on the new release (roll back if it does not come back)`, when: mine },
    ),
  ];
}

export default definePlaybook({
  name: 'etcd-upgrade',
  vars: EtcdUpgradeVars,
  plays: [
    {
      name: 'etcd upgrade: preflight and snapshot (no host is changed when it refuses)',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [preflight, snapshot],
    },
    {
      name: 'etcd upgrade: followers, one at a time',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: memberTasks('follower: ', (c) => !ledAtPreflight(c)),
    },
    {
      name: 'etcd upgrade: the leader, last',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: memberTasks('leader: ', ledAtPreflight),
    },
    {
      name: 'etcd upgrade: settled',
      hosts: 'controllers',
      become: true,
      tasks: [
        task(
          etcdUpgradeSettled,
          (c: Ctx) => ({
            members: members(c),
            version: c.vars.etcdVersion,
            timeoutMs: c.vars.etcdUpgradeBudgetS * 1000,
            ...hostCertPaths(c.vars),
          }),
          {
            name: 'every member on the release, the cluster version raised',
            runOnce: true,
          },
        ),
      ],
    },
  ],
});

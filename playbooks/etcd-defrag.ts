import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import { EtcdDefragVars, etcdDefragMember, etcdMaintenancePreflight, hostCertPaths, memberName } from '@tsplay/etcd';

/**
 * etcd day 2: defragment the members whose db file is fragmented (packages/etcd/README.md, "Defragmentation").
 * A read-only preflight on every member refuses with a coded error before any host changes (an unhealthy or
 * silent member, an alarm: a NOSPACE alarm points to etcd-recover-space.ts). Then one member at a time, the
 * followers first and the leader seen at preflight last: a member with less than `etcdDefragThreshold` (20 %)
 * or `etcdDefragMinBytes` (16 MiB) of its file reclaimable is left alone; else the other members must be
 * healthy, leadership is moved away when it leads, `etcdctl defrag` runs on its endpoint only, and the member
 * must be healthy and caught up before the next. `--check` names the members it would defragment.
 */
type Ctx = TaskContext<EtcdDefragVars>;
const ipOf = (h: HostInfo): string => String(h.vars.internalIp ?? h.address);
const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ipOf(h) }));

const preflight = task(etcdMaintenancePreflight, (c: Ctx) => ({ op: 'defrag' as const, target: members(c), ...hostCertPaths(c.vars) }), {
  name: 'etcd defrag preflight',
});
/** This host led the cluster when the preflight asked (it goes last). */
const ledAtPreflight = (c: Ctx): boolean => c.result(preflight)?.data?.leaderIp === ipOf(c.host);

const defrag = (which: string, mine: (c: Ctx) => boolean) =>
  task(
    etcdDefragMember,
    (c: Ctx) => ({
      self: { name: memberName(c.host), ip: ipOf(c.host) },
      members: members(c),
      threshold: c.vars.etcdDefragThreshold,
      minBytes: c.vars.etcdDefragMinBytes,
      defragTimeoutS: c.vars.etcdDefragTimeoutS,
      ...hostCertPaths(c.vars),
    }),
    { name: `etcd defragment (${which})`, when: mine },
  );

export default definePlaybook({
  name: 'etcd-defrag',
  vars: EtcdDefragVars,
  plays: [
    {
      name: 'etcd defrag: preflight (no host is changed when it refuses)',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [preflight],
    },
    {
      name: 'etcd defrag: followers, one at a time',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: [defrag('followers', (c) => !ledAtPreflight(c))],
    },
    {
      name: 'etcd defrag: the leader, last',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: [defrag('leader last', ledAtPreflight)],
    },
  ],
});

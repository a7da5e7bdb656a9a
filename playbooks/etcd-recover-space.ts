import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import {
  EtcdDefragVars,
  etcdAlarmDisarm,
  etcdCompact,
  etcdDefragMember,
  etcdMaintenancePreflight,
  etcdWriteProbe,
  hostCertPaths,
  memberName,
} from '@tsplay/etcd';

/**
 * etcd day 2: recover from a NOSPACE alarm (the backend quota is full and etcd refuses writes), as etcd's
 * maintenance guide does it (packages/etcd/README.md, "NOSPACE recovery"): a read-only preflight (healthy, one
 * leader, no alarm but NOSPACE), compact the keyspace to the current revision, defragment every member one
 * at a time (followers first, the leader last after move-leader, a health gate between members), `alarm
 * disarm`, then prove that a write succeeds (put, get and delete of a probe key). Without a NOSPACE alarm
 * nothing is compacted or disarmed, and only fragmented members are defragmented (as etcd-defrag.ts).
 */
type Ctx = TaskContext<EtcdDefragVars>;
const ipOf = (h: HostInfo): string => String(h.vars.internalIp ?? h.address);
const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ipOf(h) }));

const preflight = task(etcdMaintenancePreflight, (c: Ctx) => ({ op: 'recover' as const, target: members(c), ...hostCertPaths(c.vars) }), {
  name: 'etcd recover-space preflight',
});
const verdict = (c: Ctx) => c.result(preflight)?.data;
const ledAtPreflight = (c: Ctx): boolean => verdict(c)?.leaderIp === ipOf(c.host);
const nospace = (c: Ctx): boolean => verdict(c)?.nospace === true;
const cluster = (c: Ctx) => ({ members: members(c), ...hostCertPaths(c.vars) });

const compact = task(etcdCompact, (c: Ctx) => ({ ...cluster(c), when: nospace(c), timeoutS: c.vars.etcdDefragTimeoutS }), {
  name: 'etcd compact to the current revision',
  runOnce: true,
});

const defrag = (which: string, mine: (c: Ctx) => boolean) =>
  task(
    etcdDefragMember,
    (c: Ctx) => ({
      self: { name: memberName(c.host), ip: ipOf(c.host) },
      members: members(c),
      threshold: c.vars.etcdDefragThreshold,
      minBytes: c.vars.etcdDefragMinBytes,
      force: nospace(c),
      defragTimeoutS: c.vars.etcdDefragTimeoutS,
      ...hostCertPaths(c.vars),
    }),
    { name: `etcd defragment (${which})`, when: mine },
  );

export default definePlaybook({
  name: 'etcd-recover-space',
  vars: EtcdDefragVars,
  plays: [
    {
      name: 'etcd recover-space: preflight and compaction',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [preflight, compact],
    },
    {
      name: 'etcd recover-space: defragment followers, one at a time',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: [defrag('followers', (c) => !ledAtPreflight(c))],
    },
    {
      name: 'etcd recover-space: defragment the leader, last',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: [defrag('leader last', ledAtPreflight)],
    },
    {
      name: 'etcd recover-space: disarm and verify a write',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [
        task(etcdAlarmDisarm, cluster, { name: 'etcd alarm disarm', runOnce: true }),
        task(etcdWriteProbe, (c: Ctx) => ({ ...cluster(c), name: memberName(c.host) }), {
          name: 'etcd write probe (put, get, delete)',
          runOnce: true,
        }),
      ],
    },
  ],
});

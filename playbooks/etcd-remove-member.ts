import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import { EtcdVars, etcdLeave, etcdPreflight, hostCertPaths, memberName } from '@tsplay/etcd';

/**
 * etcd day 2: remove the members named in `-e etcdRemove=controller-3,controller-4` (hosts of the
 * inventory group), one at a time: a leader hands leadership over first, then `member remove`, etcd is
 * stopped and disabled there and its data dir is kept as `<dataDir>.removed-<time>` (see
 * packages/etcd/README.md, "Remove"). Refused, with no host changed, when what stays is even, a 2-member
 * cluster, not enough healthy members for quorum, or the cluster is unhealthy.
 */
type Ctx = TaskContext<EtcdVars>;
const member = (h: HostInfo) => ({ name: memberName(h), ip: String(h.vars.internalIp ?? '') });
const leaving = (c: Ctx, h: HostInfo) => c.vars.etcdRemove.includes(h.name) || c.vars.etcdRemove.includes(memberName(h));
const keep = (c: Ctx) =>
  c
    .hosts(c.vars.etcdGroup)
    .filter((h) => !leaving(c, h))
    .map(member);

export default definePlaybook({
  name: 'etcd-remove-member',
  vars: EtcdVars,
  plays: [
    {
      name: 'etcd remove: preflight (no host is changed when it refuses)',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [
        task(etcdPreflight, (c: Ctx) => ({ op: 'remove' as const, target: keep(c), ...hostCertPaths(c.vars) }), {
          name: 'etcd preflight',
          // the members that stay judge; a member removed earlier has no etcd running to ask
          when: (c: Ctx) => !leaving(c, c.host),
        }),
      ],
    },
    {
      name: 'etcd remove',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: [
        task(etcdLeave, (c: Ctx) => ({ self: member(c.host), keep: keep(c), dataDir: c.vars.etcdDataDir, ...hostCertPaths(c.vars) }), {
          name: 'etcd leave (move leadership, member remove, stop, archive)',
          when: (c: Ctx) => leaving(c, c.host),
        }),
      ],
    },
  ],
});

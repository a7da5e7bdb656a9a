import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import { EtcdVars, etcdJoin, etcdPreflight, etcdTasks, hostCertPaths, memberName } from '@tsplay/etcd';

/**
 * etcd day 2: join the hosts of the inventory group that are not members yet, one at a time, learner first
 * (see packages/etcd/README.md, "Join"). The group must list an odd number of hosts, every one with internalIp.
 */
type Ctx = TaskContext<EtcdVars>;
const role = etcdTasks({ prefix: 'join: ' });
const target = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h: HostInfo) => ({ name: memberName(h), ip: String(h.vars.internalIp ?? '') }));

export default definePlaybook({
  name: 'etcd-add-member',
  vars: EtcdVars,
  plays: [
    {
      name: 'etcd join: preflight (no host is changed when it refuses)',
      hosts: 'controllers',
      become: true,
      maxFailPercentage: 0,
      tasks: [
        task(etcdPreflight, (c: Ctx) => ({ op: 'join' as const, target: target(c), ...hostCertPaths(c.vars) }), { name: 'etcd preflight' }),
      ],
    },
    {
      name: 'etcd join',
      hosts: 'controllers',
      become: true,
      serial: 1,
      tasks: [
        role.fetch,
        role.install,
        role.configDir,
        role.dataDir,
        role.ca,
        role.cert,
        role.key,
        task(
          etcdJoin,
          (c: Ctx) => ({
            self: { name: memberName(c.host), ip: String(c.vars.internalIp ?? '') },
            target: target(c),
            token: c.vars.etcdClusterToken,
            dataDir: c.vars.etcdDataDir,
            ...hostCertPaths(c.vars),
          }),
          { name: 'etcd join (learner, catch up, promote)' },
        ),
      ],
    },
  ],
});

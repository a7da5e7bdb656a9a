import { definePlaybook, task, type HostInfo, type TaskContext } from '@tsplay/core';
import { EtcdVars, etcdJoin, etcdPreflight, etcdTasks, hostCertPaths, memberName } from '@tsplay/etcd';

/**
 * etcd day 2: join the hosts of the inventory group that are not members yet, one at a time, learner first
 * (see packages/etcd/README.md, "Join"). The group must list an odd number of hosts, every one with internalIp.
 * The learner serves clients on 127.0.0.1 only; once promoted it gets the role's etcd.service (what etcd.ts
 * converges) and one gated restart, so a later etcd.ts changes nothing.
 */
type Ctx = TaskContext<EtcdVars>;
const role = etcdTasks({ prefix: 'join: ' });

/** The role's etcd.service for this host, rendered by the role's own unit task (every flag the converge would write). */
function roleUnit(c: Ctx): string {
  const a = (role.unit.args as (c: Ctx) => { template: (v: unknown) => string; vars: unknown })(c);
  return a.template(a.vars);
}
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
            unit: roleUnit(c),
            ...hostCertPaths(c.vars),
          }),
          { name: 'etcd join (learner, catch up, promote)' },
        ),
      ],
    },
  ],
});

import { definePlaybook, task, type HostInfo, type Task, type TaskContext } from '@tsplay/core';
import { EtcdReplaceVars, etcdReplace, etcdTasks, hostCertPaths, memberName } from '@tsplay/etcd';

/**
 * etcd day 2: replace the member named in `-e etcdReplace=controller-2`, one whose data is gone (see
 * packages/etcd/README.md, "Replace a member"). On that host only: the role's binaries and certs (unchanged
 * when they are there), then `etcd-replace`: judged on the cluster as the other members see it (refused with
 * a coded error, no host changed, when the cluster has no quorum without it, another member is down, a
 * learner is pending, or the member is a started voter that still has its data, unless
 * `-e etcdReplaceForce=true`), then member remove of the old ID, the data dir archived, learner add on an
 * empty data dir, start with `existing`, wait until caught up, promote; the role's unit written back.
 */
type Ctx = TaskContext<EtcdReplaceVars>;
const member = (h: HostInfo) => ({ name: memberName(h), ip: String(h.vars.internalIp ?? '') });
const target = (c: Ctx) => c.hosts(c.vars.etcdGroup).map(member);
const mine = (c: Ctx) => c.vars.etcdReplace === c.host.name || c.vars.etcdReplace === memberName(c.host);
const role = etcdTasks({ prefix: 'replace: ' });
const withWhen = <T extends Task>(t: T, when: (c: Ctx) => boolean): T => ({ ...t, when: (c: Ctx) => (t.when?.(c) ?? true) && when(c) });

/** The role's etcd.service for this host, rendered by the role's own unit task (every flag the converge would write). */
function roleUnit(c: Ctx): string {
  const a = (role.unit.args as (c: Ctx) => { template: (v: unknown) => string; vars: unknown })(c);
  return a.template(a.vars);
}

export default definePlaybook({
  name: 'etcd-replace-member',
  vars: EtcdReplaceVars,
  plays: [
    {
      name: 'etcd replace: the member whose data is gone',
      hosts: 'controllers',
      become: true,
      serial: 1,
      maxFailPercentage: 0,
      tasks: [
        ...[role.fetch, role.install, role.configDir, role.ca, role.cert, role.key].map((t) => withWhen(t, mine)),
        task(
          etcdReplace,
          (c: Ctx) => ({
            self: member(c.host),
            target: target(c),
            token: c.vars.etcdClusterToken,
            dataDir: c.vars.etcdDataDir,
            unit: roleUnit(c),
            force: c.vars.etcdReplaceForce,
            ...hostCertPaths(c.vars),
          }),
          { name: 'etcd replace (member remove, empty data dir, learner, catch up, promote)', when: mine },
        ),
      ],
    },
  ],
});

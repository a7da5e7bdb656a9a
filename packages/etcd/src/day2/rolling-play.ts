/**
 * The etcd playbook's plays: the converge play (the role: a fresh cluster's members start together), then
 * two `serial: 1` plays that restart, one member at a time, the running members whose CA file changed
 * (a new cert or key needs no restart: certs-roll.ts, `restartWatch`): the followers first, then whoever
 * is left (the leader, after `move-leader`). A member that needs no restart is skipped without a probe, so an idempotent run costs no extra round trip there.
 */
import { task, type Play, type TaskContext } from '@tsplay/core';
import { etcdRoleParts, hostCertPaths, type EtcdPlayOptions } from '../role.js';
import type { EtcdVars } from '../vars.js';
import { restartWatch } from './certs-roll.js';
import { etcdRollingRestart } from './rolling.js';

type Ctx = TaskContext<EtcdVars>;

/** The converge play and the two rolling plays (see packages/etcd/README.md, "Certificate rotation"). */
export function etcdPlays(opts: EtcdPlayOptions = {}): Play[] {
  const { tasks: r, members, self } = etcdRoleParts(opts);
  const hosts = opts.hosts ?? 'controllers';
  const name = opts.name ?? 'etcd';
  const need = (c: Ctx) => c.result(r.restartState)?.data;
  const args = (c: Ctx, done: boolean) => ({
    self: self(c),
    members: members(c),
    watch: restartWatch(c.vars),
    // check mode: the restart state predicted it (the copies did not happen)
    pending: c.check && need(c)?.need === true,
    done,
    ...hostCertPaths(c.vars),
  });
  const followers = task(etcdRollingRestart, (c: Ctx) => args(c, false), {
    name: `${opts.prefix ?? ''}etcd rolling restart (followers)`,
    when: (c: Ctx) => need(c)?.need === true && need(c)?.leader !== true,
  });
  const leader = task(etcdRollingRestart, (c: Ctx) => args(c, c.changed(followers)), {
    name: `${opts.prefix ?? ''}etcd rolling restart (leader last)`,
    when: (c: Ctx) => need(c)?.need === true && !c.changed(followers),
  });
  return [
    { name, hosts, become: true, tasks: Object.values(r) },
    { name: `${name}: rolling restart, followers`, hosts, become: true, serial: 1, maxFailPercentage: 0, tasks: [followers] },
    { name: `${name}: rolling restart, leader last`, hosts, become: true, serial: 1, maxFailPercentage: 0, tasks: [leader] },
  ];
}

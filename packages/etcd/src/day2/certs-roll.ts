/**
 * The role's rolling restart, composed for plays that change certificates themselves (etcd-rotate-ca.ts):
 * `etcd restart needed` (etcdRestartState) after the copies, then the two `serial: 1` plays of etcdPlays
 * (followers, then the leader after move-leader) with the same module, etcdRollingRestart. Only the
 * check-mode hint differs: these plays say which earlier tasks of theirs would change a watched file.
 *
 * The watched file is the trusted CA file alone (`restartWatch`): etcd (>= 3.2) reads its certificate and key
 * again at every new TLS handshake, on the client and the peer port, as a server and as a peer's client
 * (etcd's security guide, "Notes for TLS authentication"; etcd#7829, etcd#9570), but loads the trusted CA
 * file only when it starts. So a new leaf needs no restart, and no leader transfer; a new CA file does.
 */
import { task, type HostInfo, type Play, type TaskContext } from '@tsplay/core';
import { hostCertPaths, memberName } from '../role-common.js';
import type { EtcdVars } from '../vars.js';
import { etcdRestartState, etcdRollingRestart } from './rolling.js';

/** A member's IP: its `internalIp`, else its address (day-2 playbooks need no metadata server). */
export const ipOf = (h: HostInfo): string => String(h.vars.internalIp ?? h.address);
export const membersOf = (c: TaskContext<EtcdVars>) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ipOf(h) }));
export const selfOf = (c: TaskContext<EtcdVars>) => ({ name: memberName(c.host), ip: ipOf(c.host) });

/** The files etcd reads only when it starts, so a change of them needs a restart: the trusted CA file. */
export const restartWatch = (v: Pick<EtcdVars, 'etcdCaFile' | 'etcdCertFile' | 'etcdKeyFile'>): string[] => [hostCertPaths(v).caFile];

/**
 * `state` goes last in the play that copies the files; `plays` restart the members that need it, one at a time,
 * the leader last. `pending(c)`: in check mode, an earlier task of this run would change a watched file here.
 */
export function certRoll<V extends EtcdVars = EtcdVars>(prefix: string, pending: (c: TaskContext<V>) => boolean) {
  type Ctx = TaskContext<V>;
  const watch = (c: Ctx) => restartWatch(c.vars);
  const state = task(etcdRestartState, (c: Ctx) => ({ watch: watch(c), pending: c.check && pending(c), ...hostCertPaths(c.vars) }), {
    name: `${prefix}etcd restart needed`,
  });
  const need = (c: Ctx) => c.result(state)?.data;
  const args = (c: Ctx, done: boolean) => ({
    self: selfOf(c),
    members: membersOf(c),
    watch: watch(c),
    pending: c.check && need(c)?.need === true,
    done,
    ...hostCertPaths(c.vars),
  });
  const followers = task(etcdRollingRestart, (c: Ctx) => args(c, false), {
    name: `${prefix}etcd rolling restart (followers)`,
    when: (c: Ctx) => need(c)?.need === true && need(c)?.leader !== true,
  });
  const leader = task(etcdRollingRestart, (c: Ctx) => args(c, c.changed(followers)), {
    name: `${prefix}etcd rolling restart (leader last)`,
    when: (c: Ctx) => need(c)?.need === true && !c.changed(followers),
  });
  const plays = (name: string, hosts = 'controllers'): Play[] => [
    { name: `${name}: rolling restart, followers`, hosts, become: true, serial: 1, maxFailPercentage: 0, tasks: [followers] },
    { name: `${name}: rolling restart, leader last`, hosts, become: true, serial: 1, maxFailPercentage: 0, tasks: [leader] },
  ];
  return { state, followers, leader, plays };
}

/**
 * Pure judges of the rolling upgrade (etcd-upgrade.ts): the preflight verdict with the members by IP
 * (followers first, the leader last), whether a restarted member is back (on the wanted release, healthy,
 * caught up with the leader) or has crashed, and whom leadership moves to. No I/O: the modules feed them
 * parsed etcdctl/systemctl/curl output.
 */
import { peerUrl, type EtcdMember } from '../unit.js';
import { isRefusal, judgeUpgrade, type Refusal } from './checks.js';
import type { ProbeResult } from './probe.js';
import { leaderOf, type EndpointStatus } from './status.js';
import { showSemver } from './version.js';

export interface UpgradeRun {
  from: string;
  to: string;
  /** The leader's internal IP when the preflight ran (it goes last). */
  leaderIp: string;
  /** Internal IPs of the members still to upgrade, followers first, the leader last. */
  todo: string[];
  /** Internal IPs of the members already on the target. */
  done: string[];
}

/** `https://10.240.0.10:2379` -> `10.240.0.10`. */
export const ipOfUrl = (url: string): string => /^https?:\/\/([^/:]+)/.exec(url)?.[1] ?? '';

const unknownMember = (message: string, hint: string): Refusal => ({ code: 'ETCD_UNKNOWN_MEMBER', message, hint });

/** The preflight of an upgrade on one member's probe: every inventory member in the cluster and answering, then judgeUpgrade. */
export function judgeUpgradeRun(p: ProbeResult, target: readonly EtcdMember[], version: string): Refusal | UpgradeRun {
  if (p.absent)
    return unknownMember(
      'this host has no etcdctl and certificates: it is not a member to upgrade',
      'run playbooks/etcd.ts (or etcd-add-member.ts) first; no host was changed',
    );
  const v = p.view;
  if (v.members.length === 0)
    return { code: 'ETCD_UNHEALTHY', message: `the cluster did not answer: ${p.problems.join('; ') || 'no member list'}` };
  const missing = target.filter((t) => !v.members.some((m) => m.peerUrls.includes(peerUrl(t.ip))));
  const foreign = v.members.filter((m) => !target.some((t) => m.peerUrls.includes(peerUrl(t.ip))));
  if (missing.length > 0 || foreign.length > 0) {
    return unknownMember(
      `the inventory and the cluster differ: ${[...missing.map((t) => `${t.name} is no member`), ...foreign.map((m) => `member ${m.name || m.id} is not in the inventory`)].join(', ')}`,
      'upgrade the cluster the inventory describes: join or remove members first (etcd-add-member.ts, etcd-remove-member.ts)',
    );
  }
  const answered = v.status.map((s) => s.memberId);
  const silent = v.members.filter((m) => !answered.includes(m.id));
  if (silent.length > 0 && v.status.length > 0) {
    return {
      code: 'ETCD_UNHEALTHY',
      message: `no status from ${silent.map((m) => m.name || m.id).join(', ')}: its version is unknown${p.problems.length ? ` (${p.problems.join('; ')})` : ''}`,
      hint: 'fix the member first; no host was changed',
    };
  }
  const r = judgeUpgrade(v, version);
  if (isRefusal(r)) return r;
  const ipById = (id: string): string => ipOfUrl(v.status.find((s) => s.memberId === id)?.endpoint ?? '');
  const leaderIp = ipById(v.status[0]?.leader ?? '');
  // the order the playbook's serial plays take: the followers in inventory order, then the leader
  const todo = r.order.map(ipById);
  const inOrder = [
    ...target.filter((t) => t.ip !== leaderIp && todo.includes(t.ip)).map((t) => t.ip),
    ...todo.filter((ip) => ip === leaderIp),
  ];
  return { from: showSemver(r.from), to: showSemver(r.to), leaderIp, todo: inOrder, done: r.done.map(ipById) };
}

/** What a member says while it comes back: its unit, its `/version` answer, its health, `endpoint status` over all members. */
export interface MemberProbe {
  unit: { active: string; sub: string; restarts: number; exitStatus: number };
  server: string;
  healthy: boolean;
  status: readonly EndpointStatus[];
}

export type MemberVerdict = { up: true } | { up: false; crashed: boolean; why: string };

/** Pure: is the member at `ip` back on `want`, healthy, agreeing on a leader (leaderOf) and caught up with it? A unit that exited (failed, auto-restart, restarted) has crashed. */
export function judgeMemberUp(p: MemberProbe, ip: string, want: string, restartsBefore: number): MemberVerdict {
  const u = p.unit;
  if (u.active === 'failed' || u.sub === 'auto-restart' || u.restarts > restartsBefore) {
    return {
      up: false,
      crashed: true,
      why: `etcd exited after the restart (status ${u.exitStatus}, unit ${u.active}/${u.sub}, ${u.restarts - restartsBefore} automatic restart(s))`,
    };
  }
  if (p.server !== want) return { up: false, crashed: false, why: `/version says ${p.server || 'nothing yet'}, not ${want}` };
  if (!p.healthy) return { up: false, crashed: false, why: 'endpoint health is not true yet' };
  const me = p.status.find((s) => ipOfUrl(s.endpoint) === ip);
  if (!me) return { up: false, crashed: false, why: 'no status from this member yet' };
  const leader = leaderOf(p.status);
  if (typeof leader === 'string') return { up: false, crashed: false, why: `no leader yet: ${leader}` };
  if (me.raftAppliedIndex < leader.raftIndex)
    return { up: false, crashed: false, why: `raft index ${me.raftAppliedIndex} of the leader's ${leader.raftIndex}` };
  return { up: true };
}

/** True when the member at `ip` is the leader all the answering members agree on (leaderOf). */
export function isLeaderAt(status: readonly EndpointStatus[], ip: string): boolean {
  const l = leaderOf(status);
  return typeof l !== 'string' && status.some((s) => s.memberId === l.memberId && ipOfUrl(s.endpoint) === ip);
}

/** Whom leadership moves to: a member already on `want` (the most caught-up one), else any other voter; undefined when none. */
export function leaderSuccessor(status: readonly EndpointStatus[], ip: string, want: string): EndpointStatus | undefined {
  const others = status.filter((s) => ipOfUrl(s.endpoint) !== ip && !s.isLearner && s.memberId !== '');
  const byIndex = (a: EndpointStatus, b: EndpointStatus) => b.raftAppliedIndex - a.raftAppliedIndex;
  return [...others.filter((s) => s.version === want)].sort(byIndex)[0] ?? [...others].sort(byIndex)[0];
}

/** `etcd --version` (3.4: `etcd Version: 3.4.23`; 3.5 the same) -> `3.4.23`; '' when absent or unreadable. */
export function parseEtcdVersionOutput(text: string): string {
  return /^etcd Version:\s*(\S+)/m.exec(text)?.[1] ?? '';
}

/** `systemctl show etcd -p ActiveState -p SubState -p NRestarts -p ExecMainStatus` (key=value lines, any order). */
export function parseEtcdUnitState(text: string): MemberProbe['unit'] {
  const kv = new Map(text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()] as const));
  return {
    active: kv.get('ActiveState') ?? '',
    sub: kv.get('SubState') ?? '',
    restarts: Number(kv.get('NRestarts') ?? 0) || 0,
    exitStatus: Number(kv.get('ExecMainStatus') ?? 0) || 0,
  };
}

/**
 * The day-2 preflight as pure functions over parsed etcdctl output: each returns the refusal (a code owned
 * by @tsplay/etcd, a message and a hint) or the work to do. The playbooks run them before any host is
 * changed and throw the refusal as a TsplayError.
 */
import type { EndpointHealth, MemberStatus } from '../members.js';
import { peerUrl, type EtcdMember } from '../unit.js';
import type { Alarm, EndpointStatus } from './status.js';
import { compareSemver, parseSemver, showSemver, upgradeStep, type Semver } from './version.js';

export const ETCD_DAY2_CODES = [
  'ETCD_EVEN_CLUSTER',
  'ETCD_QUORUM',
  'ETCD_DOWNGRADE',
  'ETCD_SKIP_MINOR',
  'ETCD_UNHEALTHY',
  'ETCD_ALARM',
  'ETCD_LEARNER_PENDING',
  'ETCD_UNKNOWN_MEMBER',
  'ETCD_LOCKED',
  'ETCD_UPGRADE_FAILED',
  'ETCD_ROLLING_FAILED',
  'ETCD_SNAPSHOT_INVALID',
  'ETCD_JOIN_FAILED',
  'ETCD_REMOVE_FAILED',
] as const;
export type EtcdDay2Code = (typeof ETCD_DAY2_CODES)[number];

export interface Refusal {
  code: EtcdDay2Code;
  message: string;
  hint?: string;
}

/** What the cluster says: `member list`, `endpoint health` and `endpoint status` over every member, `alarm list`. */
export interface ClusterView {
  members: readonly MemberStatus[];
  health: readonly EndpointHealth[];
  status: readonly EndpointStatus[];
  alarms: readonly Alarm[];
}

const quorum = (voters: number): number => Math.floor(voters / 2) + 1;
const isIn = (m: MemberStatus, target: readonly EtcdMember[]) =>
  target.some((t) => m.peerUrls.includes(peerUrl(t.ip)) || (m.name !== '' && m.name === t.name));

/** Every member healthy, one leader that all agree on, no alarm; learners other than `allowLearner` refused. */
export function judgeHealthy(v: ClusterView, opts: { allowLearner?: string } = {}): Refusal | undefined {
  const sick = v.health.filter((h) => !h.health);
  if (sick.length > 0 || v.health.length === 0) {
    return {
      code: 'ETCD_UNHEALTHY',
      message: `the cluster is not healthy: ${sick.map((h) => `${h.endpoint}${h.error ? ` (${h.error})` : ''}`).join(', ') || 'no endpoint answered'}`,
      hint: 'fix the member first (journalctl -u etcd on it); no host was changed',
    };
  }
  const leaders = new Set(v.status.map((s) => s.leader));
  if (v.status.length === 0 || leaders.size !== 1 || leaders.has('')) {
    return {
      code: 'ETCD_UNHEALTHY',
      message: `the members do not agree on one leader (${[...leaders].map((l) => l || 'none').join(', ')})`,
    };
  }
  if (v.alarms.length > 0) {
    const hint = v.alarms.some((a) => a.alarm === 'NOSPACE')
      ? 'the backend quota is full: tsplay run playbooks/etcd-recover-space.ts -i INVENTORY (compact, defragment every member, disarm, verify a write); no host was changed'
      : 'etcdctl alarm list; fix the cause, then etcdctl alarm disarm';
    return {
      code: 'ETCD_ALARM',
      message: `the cluster has alarms: ${v.alarms.map((a) => `${a.alarm} on ${a.memberId}`).join(', ')}`,
      hint,
    };
  }
  const pending = v.members.filter((m) => (m.isLearner || m.status === 'unstarted') && !m.peerUrls.includes(opts.allowLearner ?? '\0'));
  if (pending.length > 0) {
    return {
      code: 'ETCD_LEARNER_PENDING',
      message: `a member is still joining: ${pending.map((m) => `${m.name || m.id} (${m.peerUrls.join(',')}, ${m.isLearner ? 'learner' : ''}${m.status === 'unstarted' ? ' unstarted' : ''})`).join(', ')}`,
      hint: 'finish that join first (run etcd-add-member.ts with it in the inventory) or remove it with etcdctl member remove',
    };
  }
  return undefined;
}

export interface JoinPlan {
  /** Members of the target that are not in the cluster yet, in inventory order. */
  add: EtcdMember[];
  /** A learner of the target that was added but not finished (started and promoted): completed first. */
  resume?: EtcdMember;
}

/** Join: the target (the inventory group) must be odd, contain every current member, and the cluster be healthy. */
export function judgeJoin(v: ClusterView, target: readonly EtcdMember[]): Refusal | JoinPlan {
  if (target.length % 2 === 0) return evenRefusal(target.length);
  const foreign = v.members.filter((m) => !isIn(m, target));
  if (foreign.length > 0) {
    return {
      code: 'ETCD_UNKNOWN_MEMBER',
      message: `the cluster has members the inventory does not list: ${foreign.map((m) => m.name || m.id).join(', ')}`,
      hint: 'a join never removes members: use etcd-remove-member.ts',
    };
  }
  const half = v.members.find((m) => (m.isLearner || m.status === 'unstarted') && isIn(m, target));
  const resume = half ? target.find((t) => half.peerUrls.includes(peerUrl(t.ip))) : undefined;
  const refusal = judgeHealthy(
    { ...v, health: v.health.filter((h) => !resume || !h.endpoint.includes(`//${resume.ip}:`)) },
    resume ? { allowLearner: peerUrl(resume.ip) } : {},
  );
  if (refusal) return refusal;
  const add = target.filter((t) => !v.members.some((m) => m.peerUrls.includes(peerUrl(t.ip))));
  return resume ? { add, resume } : { add };
}

function evenRefusal(n: number): Refusal {
  return {
    code: 'ETCD_EVEN_CLUSTER',
    message: `the target cluster would have ${n} members: an even size tolerates no more failures than ${n - 1} and is slower`,
    hint: `list an odd number of members in the inventory group (${n - 1} or ${n + 1})`,
  };
}

export interface RemovePlan {
  /** The members to remove, one at a time; the leader's leadership is moved first. */
  remove: MemberStatus[];
}

/** Remove: never from a 2-member cluster, what is left odd, enough healthy members left for quorum, all healthy. */
export function judgeRemove(v: ClusterView, target: readonly EtcdMember[]): Refusal | RemovePlan {
  const voters = v.members.filter((m) => !m.isLearner);
  const remove = v.members.filter((m) => !isIn(m, target));
  if (remove.length === 0) return { remove: [] };
  if (voters.length <= 2) {
    return {
      code: 'ETCD_QUORUM',
      message: `the cluster has ${voters.length} voting members: removing one leaves no fault tolerance at all`,
      hint: 'add a member first',
    };
  }
  const left = voters.length - remove.filter((m) => !m.isLearner).length;
  if (left < 1) return { code: 'ETCD_QUORUM', message: 'the target keeps no member of the cluster' };
  if (left % 2 === 0) return evenRefusal(left);
  const healthy = v.health.filter((h) => h.health).map((h) => h.endpoint);
  const keptHealthy = voters.filter((m) => isIn(m, target) && m.clientUrls.some((u) => healthy.includes(u))).length;
  if (keptHealthy < quorum(left)) {
    return {
      code: 'ETCD_QUORUM',
      message: `only ${keptHealthy} of the ${left} members that stay are healthy: the cluster would lose quorum (needs ${quorum(left)})`,
    };
  }
  return judgeHealthy(v) ?? { remove };
}

export interface UpgradePlan {
  from: Semver;
  to: Semver;
  /** Member IDs in upgrade order: followers first (those not yet on the target), the leader last. */
  order: string[];
  /** Members already on the target (a resumed upgrade skips them). */
  done: string[];
}

/** Upgrade: healthy, no alarm, at most one minor up from the oldest member, never down, leader last. */
export function judgeUpgrade(v: ClusterView, target: string): Refusal | UpgradePlan {
  const to = parseSemver(target);
  if (!to) return { code: 'ETCD_SKIP_MINOR', message: `${target} is not a release number` };
  const versions = v.status.map((s) => ({ id: s.memberId, v: parseSemver(s.version) }));
  const known = versions.flatMap((x) => (x.v ? [x.v] : []));
  if (known.length === 0) return { code: 'ETCD_UNHEALTHY', message: 'no member reported its version' };
  const oldest = known.reduce((a, b) => (compareSemver(a, b) <= 0 ? a : b));
  const newest = known.reduce((a, b) => (compareSemver(a, b) >= 0 ? a : b));
  if (compareSemver(to, newest) < 0) {
    return {
      code: 'ETCD_DOWNGRADE',
      message: `${target} is older than ${showSemver(newest)}, which a member runs: etcd does not support downgrades this way`,
      hint: 'restore a snapshot taken before the upgrade instead',
    };
  }
  const step = upgradeStep(oldest, to);
  if (step.kind === 'skip') {
    return {
      code: 'ETCD_SKIP_MINOR',
      message: `${showSemver(oldest)} -> ${target} skips a minor version`,
      hint: `upgrade to the latest ${oldest.major}.${oldest.minor + 1}.x first`,
    };
  }
  const refusal = judgeHealthy(v);
  if (refusal) return refusal;
  const leader = v.status[0]?.leader ?? '';
  const done = versions.filter((x) => x.v && compareSemver(x.v, to) === 0).map((x) => x.id);
  const todo = versions.filter((x) => !done.includes(x.id)).map((x) => x.id);
  const order = [...todo.filter((id) => id !== leader), ...todo.filter((id) => id === leader)];
  return { from: oldest, to, order, done };
}

export const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && 'code' in x && 'message' in x;

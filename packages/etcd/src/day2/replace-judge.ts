/**
 * Pure part of `etcd-replace-member`: may this member be replaced, and what is left to do? Judged on the
 * cluster as the OTHER members see it (the member itself may be dead) and on the member's own host (is
 * there a data dir with `member/` in it, does etcd run there).
 */
import type { MemberStatus } from '../members.js';
import { clientUrl, peerUrl, type EtcdMember } from '../unit.js';
import type { ClusterView, Refusal as Day2Refusal } from './checks.js';

/** The codes of the replacement beside the day-2 ones (declared in ../error-codes.ts). */
export const ETCD_REPLACE_CODES = ['ETCD_REPLACE_REFUSED', 'ETCD_REPLACE_FAILED'] as const;
export type Refusal = Omit<Day2Refusal, 'code'> & { code: Day2Refusal['code'] | (typeof ETCD_REPLACE_CODES)[number] };

export interface ReplaceLocal {
  /** `<dataDir>/member` exists on the member's host. */
  hasData: boolean;
  /** `systemctl is-active etcd` there. */
  active: boolean;
  /** Its unit file or running etcd still serves clients on 127.0.0.1 only (join-unit.ts): a join cut short after the promotion. */
  learnerForm?: boolean | undefined;
}

export interface ReplacePlan {
  /** The old member ID to remove first ('' when it is no longer listed). */
  removeId: string;
  /** The old member leads (only with force): move leadership away before anything else. */
  moveLeader: boolean;
  /** The member is already a learner of this replacement (a re-run resumes: start, catch up, promote). */
  resume: boolean;
  /** The data dir is archived (renamed) before the learner starts on an empty one. */
  archive: boolean;
  /** Human summary of the steps. */
  steps: string[];
}

const quorum = (voters: number): number => Math.floor(voters / 2) + 1;
const HINT_ONE = 'replace one member at a time, with every other member healthy; no host was changed';

/** Is `self` a started voter that still works? Then a replace would throw away good data. */
function healthyVoterRefusal(me: MemberStatus, self: EtcdMember, healthy: boolean, local: ReplaceLocal): Refusal {
  const state = healthy
    ? 'a healthy voting member'
    : local.active
      ? 'a started voting member whose etcd runs'
      : 'a started voting member whose etcd is stopped';
  return {
    code: 'ETCD_REPLACE_REFUSED',
    message: `${self.name} (${me.id}) is ${state} and still has its data dir: nothing to replace`,
    hint: healthy
      ? 'nothing to do; -e etcdReplaceForce=true replaces it anyway (its data dir is archived)'
      : 'start it (playbooks/etcd.ts) to keep its data; -e etcdReplaceForce=true replaces it anyway (its data dir is archived)',
  };
}

/** The other members: all healthy, quorum, one leader, no alarm, no other learner. */
function othersRefusal(v: ClusterView, self: EtcdMember, target: readonly EtcdMember[]): Refusal | undefined {
  const foreign = v.members.filter((m) => !target.some((t) => m.peerUrls.includes(peerUrl(t.ip))));
  if (foreign.length > 0)
    return {
      code: 'ETCD_UNKNOWN_MEMBER',
      message: `the cluster has members the inventory does not list: ${foreign.map((m) => m.name || m.id).join(', ')}`,
      hint: 'list every member in the inventory group',
    };
  const mine = (m: MemberStatus) => m.peerUrls.includes(peerUrl(self.ip));
  const voters = v.members.filter((m) => !m.isLearner);
  const others = voters.filter((m) => !mine(m));
  const healthy = new Set(v.health.filter((h) => h.health).map((h) => h.endpoint));
  const up = others.filter((m) => m.clientUrls.some((u) => healthy.has(u)));
  if (others.length === 0)
    return {
      code: 'ETCD_QUORUM',
      message: `${self.name} is the only voting member: there is no cluster to rejoin`,
      hint: 'restore from a snapshot (etcd-restore.ts)',
    };
  if (up.length < quorum(voters.length)) {
    return {
      code: 'ETCD_QUORUM',
      message: `only ${up.length} of ${voters.length} voting members are healthy: the cluster has no quorum to remove and add a member`,
      hint: 'restore from a snapshot (etcd-restore.ts); no host was changed',
    };
  }
  const down = others.filter((m) => !up.includes(m));
  if (down.length > 0)
    return {
      code: 'ETCD_UNHEALTHY',
      message: `more than one member is down: ${down.map((m) => m.name || m.id).join(', ')} besides ${self.name}`,
      hint: HINT_ONE,
    };
  const leaders = new Set(v.status.filter((s) => up.some((m) => m.clientUrls.includes(s.endpoint))).map((s) => s.leader));
  if (leaders.size !== 1 || leaders.has(''))
    return {
      code: 'ETCD_UNHEALTHY',
      message: `the other members do not agree on one leader (${[...leaders].map((l) => l || 'none').join(', ')})`,
      hint: HINT_ONE,
    };
  if (v.alarms.length > 0)
    return {
      code: 'ETCD_ALARM',
      message: `the cluster has alarms: ${v.alarms.map((a) => `${a.alarm} on ${a.memberId}`).join(', ')}`,
      hint: 'etcdctl alarm list; fix the cause first',
    };
  const pending = v.members.filter((m) => (m.isLearner || m.status === 'unstarted') && !mine(m));
  if (pending.length > 0)
    return {
      code: 'ETCD_LEARNER_PENDING',
      message: `another member is still joining: ${pending.map((m) => m.name || m.id).join(', ')}`,
      hint: 'finish that join first (etcd-add-member.ts) or remove it',
    };
  return undefined;
}

/** Pure: a refusal, or the replacement's steps. */
export function judgeReplace(
  v: ClusterView,
  self: EtcdMember,
  target: readonly EtcdMember[],
  local: ReplaceLocal,
  force: boolean,
): Refusal | ReplacePlan {
  if (!target.some((t) => t.ip === self.ip))
    return {
      code: 'ETCD_UNKNOWN_MEMBER',
      message: `${self.name} is not in the inventory group`,
      hint: 'etcdReplace names a host of the group',
    };
  if (v.members.length === 0)
    return { code: 'ETCD_UNHEALTHY', message: 'the other members did not answer (no member list)', hint: HINT_ONE };
  const refusal = othersRefusal(v, self, target);
  if (refusal) return refusal;
  const me = v.members.find((m) => m.peerUrls.includes(peerUrl(self.ip)));
  const healthy = v.health.some((h) => h.health && h.endpoint === clientUrl(self.ip));
  if (me && (me.isLearner || me.status === 'unstarted')) {
    return {
      removeId: '',
      moveLeader: false,
      resume: true,
      archive: false,
      steps: [
        "complete the half-done replacement (learner added): start on 127.0.0.1 only, wait until caught up, promote, the role's unit, one restart",
      ],
    };
  }
  if (me && local.learnerForm && !force) {
    return {
      removeId: '',
      moveLeader: false,
      resume: true,
      archive: false,
      steps: ["complete the half-done replacement (promoted, still serving clients on 127.0.0.1 only): the role's unit, one restart"],
    };
  }
  if (me && local.hasData && !force) return healthyVoterRefusal(me, self, healthy, local);
  const moveLeader = me !== undefined && v.status.some((s) => s.leader === me.id);
  const steps = [
    ...(moveLeader ? ['move leadership away'] : []),
    ...(local.active ? ['stop etcd'] : []),
    ...(me ? [`member remove ${me.id}`] : []),
    ...(local.hasData ? ['archive the data dir'] : []),
    'member add --learner on an empty data dir, start with --initial-cluster-state existing serving clients on 127.0.0.1 only, wait until caught up, member promote',
    "the role's unit (clients on the internal IP), one gated restart",
  ];
  return { removeId: me?.id ?? '', moveLeader, resume: false, archive: local.hasData, steps };
}

export const isReplaceRefusal = (x: Refusal | ReplacePlan): x is Refusal => 'code' in x;

/**
 * The apply side of a rolling member step, on the member itself: wait until every other member is healthy
 * and they agree on one leader; when this member leads, hand leadership to another voter (`move-leader`) and
 * wait until the others see it; the step (`systemctl restart etcd`, or defrag-steps.ts's `etcdctl defrag`);
 * then wait until this member is healthy and its applied index has reached the leader's raft index.
 */
import { TsplayError, type ApplyContext, type ErrorCode } from '@tsplay/core';
import { parseEndpointHealth, type EndpointHealth } from '../members.js';
import { clientUrl } from '../unit.js';
import { etcdctl, type EtcdctlTarget, type Tls } from './probe.js';
import { parseEndpointStatus, type EndpointStatus } from './status.js';
import { lastError, retryUntil, runRoot } from './steps.js';

export interface RollingTarget extends Tls {
  self: { name: string; ip: string };
  members: readonly { name: string; ip: string }[];
  etcdctl?: string;
  timeoutMs: number;
}

/** What one kind of member step does between the gates (see `memberStep`). */
export interface MemberStep {
  /** In messages: "before restarting NAME", "this member was not restarted". */
  doing: string;
  done: string;
  /** The code of a failed move-leader, step or wait afterwards. */
  code: ErrorCode;
  hint: string;
  /** A health answer that does not hold the step (the NOSPACE recovery's alarm). */
  tolerate?: (h: EndpointHealth) => boolean;
  /** The gate also needs this member's own status (a defrag needs it up; a restart does not). */
  gateNeedsSelf?: boolean;
  /** The step itself; returns what it did. */
  act: (deadline: number) => Promise<string>;
  /** The wait afterwards: its name and its deadline. */
  back: string;
  backDeadline?: (deadline: number) => number;
}

const to = (a: RollingTarget, ips: readonly string[]): EtcdctlTarget => ({ ...a, endpoints: ips.map(clientUrl) });
const others = (a: RollingTarget) => a.members.filter((m) => m.ip !== a.self.ip).map((m) => m.ip);

/** `endpoint status` of these members (those that answered). */
async function status(ctx: ApplyContext, a: RollingTarget, ips: readonly string[]): Promise<EndpointStatus[] | string> {
  const r = await runRoot(ctx, etcdctl(to(a, ips), ['endpoint', 'status', '-w', 'json']));
  try {
    return parseEndpointStatus(r.stdout);
  } catch (e) {
    return `${(e as Error).message} (${lastError(r)})`;
  }
}

const missing = (s: readonly EndpointStatus[], ips: readonly string[]) => ips.filter((ip) => !s.some((x) => x.endpoint === clientUrl(ip)));

/** Pure: one leader that every answer agrees on, or why not. */
export function agreedLeader(s: readonly EndpointStatus[]): string | undefined {
  const leaders = new Set(s.map((x) => x.leader));
  return leaders.size === 1 && !leaders.has('') ? [...leaders][0] : undefined;
}

/** Pure: this member caught up (applied >= the leader's raft index, read in the same call). */
export function caughtUp(s: readonly EndpointStatus[], selfUrl: string): true | string {
  const me = s.find((x) => x.endpoint === selfUrl);
  const leader = s.find((x) => x.memberId !== '' && x.memberId === x.leader);
  if (!me || !leader) return `no status from ${me ? 'the leader' : selfUrl} yet`;
  return me.raftAppliedIndex >= leader.raftIndex ? true : `applied ${me.raftAppliedIndex} of ${leader.raftIndex}`;
}

/**
 * Pure: the voter to hand leadership to, the one furthest ahead (highest applied index). The leader drops
 * every proposal while a transfer is pending (etcd 3.4 raft: `leadTransferee` set), and the transfer waits
 * until the transferee's log matches the leader's: the most caught-up voter keeps that window shortest.
 */
export function transferee(s: readonly EndpointStatus[], meId: string): EndpointStatus | undefined {
  return s
    .filter((x) => x.memberId !== '' && x.memberId !== meId && !x.isLearner)
    .reduce<EndpointStatus | undefined>((best, x) => (!best || x.raftAppliedIndex > best.raftAppliedIndex ? x : best), undefined);
}

async function healthy(
  ctx: ApplyContext,
  a: RollingTarget,
  ips: readonly string[],
  tolerate = (_: EndpointHealth) => false,
): Promise<true | string> {
  const r = await runRoot(ctx, etcdctl(to(a, ips), ['endpoint', 'health', '-w', 'json']));
  try {
    const all = parseEndpointHealth(r.stdout);
    const bad = all.filter((h) => !h.health && !tolerate(h));
    return bad.length === 0 && (r.code === 0 || all.some(tolerate))
      ? true
      : bad.map((h) => `${h.endpoint} unhealthy${h.error ? ` (${h.error})` : ''}`).join(', ') || lastError(r);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Every other member healthy and agreeing on one leader: the cluster keeps quorum while this one restarts. */
async function gate(ctx: ApplyContext, a: RollingTarget, o: MemberStep, deadline: number): Promise<EndpointStatus[]> {
  const all = [a.self.ip, ...others(a)];
  return retryUntil(
    ctx,
    'ETCD_UNHEALTHY',
    `before ${o.doing} ${a.self.name}, the other members`,
    deadline,
    async () => {
      const h = await healthy(ctx, a, others(a), o.tolerate);
      if (h !== true) return h;
      const s = await status(ctx, a, all);
      if (typeof s === 'string') return s;
      const gone = missing(s, o.gateNeedsSelf ? all : others(a));
      if (gone.length > 0) return `no status from ${gone.join(', ')}`;
      return agreedLeader(s.filter((x) => x.endpoint !== clientUrl(a.self.ip))) ? s : 'the other members do not agree on one leader';
    },
    `fix the unhealthy member first; this member was not ${o.done}`,
  );
}

/** When this member leads: `move-leader` to another voter, until the others see a new leader. */
async function moveAway(
  ctx: ApplyContext,
  a: RollingTarget,
  o: MemberStep,
  s: readonly EndpointStatus[],
  deadline: number,
): Promise<string | undefined> {
  const me = s.find((x) => x.endpoint === clientUrl(a.self.ip));
  if (!me || me.memberId === '' || me.leader !== me.memberId) return undefined;
  const target = transferee(s, me.memberId);
  if (!target) return undefined;
  await retryUntil(
    ctx,
    o.code,
    `move-leader to ${target.endpoint}`,
    deadline,
    async () => {
      const now = await status(ctx, a, others(a));
      const seen = typeof now === 'string' || missing(now, others(a)).length > 0 ? undefined : agreedLeader(now);
      if (seen !== undefined && seen !== me.memberId) return true;
      const r = await runRoot(ctx, etcdctl(to(a, [a.self.ip]), ['move-leader', target.memberId]));
      return r.code === 0 ? 'waiting for the members to see the new leader' : lastError(r);
    },
    o.hint,
  );
  return target.endpoint;
}

/** One member's step between the gates (restart, defrag); returns what was done. */
export async function memberStep(ctx: ApplyContext, a: RollingTarget, o: MemberStep): Promise<string[]> {
  const deadline = Date.now() + a.timeoutMs;
  const before = await gate(ctx, a, o, deadline);
  const done: string[] = [];
  const moved = await moveAway(ctx, a, o, before, deadline);
  if (moved) done.push(`moved leadership to ${moved}`);
  done.push(await o.act(deadline));
  const all = [a.self.ip, ...others(a)];
  await retryUntil(
    ctx,
    o.code,
    o.back,
    o.backDeadline?.(deadline) ?? deadline,
    async () => {
      const h = await healthy(ctx, a, [a.self.ip], o.tolerate);
      if (h !== true) return h;
      const s = await status(ctx, a, all);
      if (typeof s === 'string') return s;
      if (missing(s, all).length > 0) return `no status from ${missing(s, all).join(', ')}`;
      if (!agreedLeader(s)) return 'the members do not agree on one leader yet';
      return caughtUp(s, clientUrl(a.self.ip));
    },
    o.hint,
  );
  done.push('healthy and caught up with the leader');
  return done;
}

const HINT = 'journalctl -u etcd on the members, etcdctl endpoint status --cluster; a re-run restarts what is left';

/** The whole restart of one member; returns what was done. */
export function rollMember(ctx: ApplyContext, a: RollingTarget): Promise<string[]> {
  return memberStep(ctx, a, {
    doing: 'restarting',
    done: 'restarted',
    code: 'ETCD_ROLLING_FAILED',
    hint: HINT,
    back: `${a.self.name} back in the cluster`,
    act: async (deadline) => {
      const r = await ctx.conn.exec('systemctl restart etcd', { become: true, timeoutMs: Math.max(10_000, deadline - Date.now()) });
      if (r.code !== 0) {
        throw new TsplayError('ETCD_ROLLING_FAILED', `systemctl restart etcd on ${a.self.name} failed: ${lastError(r)}`, {
          host: ctx.host,
          task: ctx.task,
          hint: HINT,
        });
      }
      return 'restarted etcd';
    },
  });
}

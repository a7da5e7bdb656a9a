/**
 * Apply-side steps of the join (join.ts): the member list through the other members, a retry until a
 * deadline that ends in ETCD_JOIN_FAILED, the learner's catch-up read on 127.0.0.1 (where it serves clients),
 * and the finish: the member's normal unit, then one restart through the rolling restart (rolling-steps.ts:
 * the other members healthy and agreeing on a leader first, back healthy and caught up afterwards).
 */
import { TsplayError, type ApplyContext } from '@tsplay/core';
import { parseMemberListJson, type MemberStatus } from '../members.js';
import { clientUrl, peerUrl } from '../unit.js';
import type { JoinArgs } from './join.js';
import { joinedMembers, LOOPBACK_CLIENT } from './join-unit.js';
import { etcdctl, type EtcdctlTarget } from './probe.js';
import { agreedLeader, caughtUp, rollMember, transferee } from './rolling-steps.js';
import { parseEndpointStatus } from './status.js';
import { lastError, runRoot } from './steps.js';

const HINT = 'journalctl -u etcd on the joining host; a re-run completes the join';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry `step` every 500 ms until it returns a value that is not a string (why not yet), or the deadline passes. */
export async function until<T>(ctx: ApplyContext, what: string, deadline: number, step: () => Promise<T | string>): Promise<T> {
  for (;;) {
    const r = await step();
    if (typeof r !== 'string') return r;
    if (Date.now() > deadline || ctx.signal.aborted)
      throw new TsplayError('ETCD_JOIN_FAILED', `${what}: ${r}`, { host: ctx.host, task: ctx.task, hint: HINT });
    await sleep(500);
  }
}

export async function memberList(ctx: ApplyContext, t: EtcdctlTarget): Promise<MemberStatus[] | string> {
  const r = await runRoot(ctx, etcdctl(t, ['member', 'list', '-w', 'json']));
  try {
    return r.code === 0 ? parseMemberListJson(r.stdout).members : lastError(r);
  } catch (e) {
    return (e as Error).message;
  }
}

/** The learner's applied index (read on 127.0.0.1) has reached the leader's raft index, read in the same call. */
export async function caughtUpOnLoopback(ctx: ApplyContext, a: JoinArgs, others: readonly string[]): Promise<true | string> {
  const r = await runRoot(ctx, etcdctl({ ...a, endpoints: [LOOPBACK_CLIENT, ...others] }, ['endpoint', 'status', '-w', 'json']));
  try {
    return caughtUp(parseEndpointStatus(r.stdout), LOOPBACK_CLIENT);
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The rolling restart finds the leader by this member's status on its internal IP, which a member serving
 * clients on 127.0.0.1 only does not answer: so when the others agree that it leads, leadership is handed
 * (through 127.0.0.1) to the voter furthest ahead first.
 */
async function leadershipAway(ctx: ApplyContext, a: JoinArgs, id: string, others: readonly string[], deadline: number): Promise<void> {
  await until(ctx, 'leadership away from the member before its restart', deadline, async () => {
    const r = await runRoot(ctx, etcdctl({ ...a, endpoints: others }, ['endpoint', 'status', '-w', 'json']));
    let s;
    try {
      s = parseEndpointStatus(r.stdout);
    } catch (e) {
      return (e as Error).message;
    }
    const leader = agreedLeader(s);
    if (leader === undefined) return 'the other members do not agree on one leader';
    if (leader !== id) return true;
    const to = transferee(s, id);
    if (!to) return 'no other voter answered';
    const m = await runRoot(ctx, etcdctl({ ...a, endpoints: [LOOPBACK_CLIENT] }, ['move-leader', to.memberId]));
    return m.code === 0 ? 'waiting for the members to see the new leader' : lastError(m);
  });
}

/** The normal unit written, daemon-reload, one gated restart; returns what was done. */
export async function finishJoin(
  ctx: ApplyContext,
  a: JoinArgs,
  list: readonly MemberStatus[],
  unit: string,
  deadline: number,
): Promise<string[]> {
  const members = joinedMembers(list, a.target);
  const others = members.filter((m) => m.ip !== a.self.ip).map((m) => clientUrl(m.ip));
  const id = list.find((m) => m.peerUrls.includes(peerUrl(a.self.ip)))?.id ?? '';
  await ctx.conn.put(a.unitPath, unit, { mode: 0o644, become: true });
  const reload = await runRoot(ctx, 'systemctl daemon-reload');
  if (reload.code !== 0)
    throw new TsplayError('ETCD_JOIN_FAILED', `systemctl daemon-reload: ${lastError(reload)}`, {
      host: ctx.host,
      task: ctx.task,
      hint: HINT,
    });
  await leadershipAway(ctx, a, id, others, deadline);
  const rolled = await rollMember(ctx, {
    self: a.self,
    members,
    caFile: a.caFile,
    certFile: a.certFile,
    keyFile: a.keyFile,
    etcdctl: a.etcdctl,
    timeoutMs: Math.max(30_000, deadline - Date.now()),
  });
  return ['the normal unit written (clients on its internal IP)', ...rolled];
}

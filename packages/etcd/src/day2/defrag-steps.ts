/**
 * The apply side of defragmenting one member, on the member itself, with the rolling restart's gates
 * (rolling-steps.ts: its pure `agreedLeader` and `caughtUp`): wait until every other member is healthy and
 * they agree on one leader; when this member leads, `move-leader` to another voter and wait until the others
 * see it; `etcdctl defrag` on this member's endpoint only; then wait until it is healthy, the members agree
 * on a leader and its applied index has reached the leader's raft index. A defrag blocks the member's
 * backend (reads, writes and applies through it wait) for as long as it copies the live data.
 */
import { TsplayError, type ApplyContext } from '@tsplay/modules/kit';
import { parseEndpointHealth } from '../members.js';
import { clientUrl } from '../unit.js';
import { nospaceOnly, parseDbUsage, type DbUsage } from './defrag-judge.js';
import { etcdctl, type EtcdctlTarget, type Tls } from './probe.js';
import { agreedLeader, caughtUp } from './rolling-steps.js';
import { parseEndpointStatus, type EndpointStatus } from './status.js';
import { lastError, retryUntil, runRoot } from './steps.js';

export interface DefragTarget extends Tls {
  self: { name: string; ip: string };
  members: readonly { name: string; ip: string }[];
  etcdctl?: string;
  /** The whole step's budget (gate, move-leader, defrag, back). */
  timeoutMs: number;
  /** etcdctl's --command-timeout for the defrag itself. */
  defragTimeoutS: number;
}

const HINT = 'journalctl -u etcd on the member, etcdctl endpoint status --cluster; a re-run defragments what is left';
const to = (a: DefragTarget, ips: readonly string[]): EtcdctlTarget => ({ ...a, endpoints: ips.map(clientUrl) });
const others = (a: DefragTarget) => a.members.filter((m) => m.ip !== a.self.ip).map((m) => m.ip);
const selfUrl = (a: DefragTarget) => clientUrl(a.self.ip);

async function status(ctx: ApplyContext, a: DefragTarget, ips: readonly string[]): Promise<EndpointStatus[] | string> {
  const r = await runRoot(ctx, etcdctl(to(a, ips), ['endpoint', 'status', '-w', 'json']));
  try {
    const s = parseEndpointStatus(r.stdout);
    const gone = ips.filter((ip) => !s.some((x) => x.endpoint === clientUrl(ip)));
    return gone.length > 0 ? `no status from ${gone.join(', ')}` : s;
  } catch (e) {
    return `${(e as Error).message} (${lastError(r)})`;
  }
}

async function healthy(ctx: ApplyContext, a: DefragTarget, ips: readonly string[]): Promise<true | string> {
  const r = await runRoot(ctx, etcdctl(to(a, ips), ['endpoint', 'health', '-w', 'json']));
  try {
    const all = parseEndpointHealth(r.stdout);
    // the NOSPACE recovery defragments members that only its alarm makes "unhealthy" (etcdctl 3.5)
    const bad = all.filter((h) => !h.health && !nospaceOnly(h));
    return bad.length === 0 && (r.code === 0 || all.some(nospaceOnly))
      ? true
      : bad.map((h) => `${h.endpoint} unhealthy${h.error ? ` (${h.error})` : ''}`).join(', ') || lastError(r);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Every other member healthy and agreeing on one leader; returns every member's status. */
function gate(ctx: ApplyContext, a: DefragTarget, deadline: number): Promise<EndpointStatus[]> {
  return retryUntil(
    ctx,
    'ETCD_UNHEALTHY',
    `before defragmenting ${a.self.name}, the other members`,
    deadline,
    async () => {
      const h = await healthy(ctx, a, others(a));
      if (h !== true) return h;
      const s = await status(ctx, a, [a.self.ip, ...others(a)]);
      if (typeof s === 'string') return s;
      return agreedLeader(s.filter((x) => x.endpoint !== selfUrl(a))) ? s : 'the other members do not agree on one leader';
    },
    'fix the unhealthy member first; this member was not defragmented',
  );
}

/** When this member leads: `move-leader` to another voter, until the others see a new leader. */
async function moveAway(ctx: ApplyContext, a: DefragTarget, s: readonly EndpointStatus[], deadline: number): Promise<string | undefined> {
  const me = s.find((x) => x.endpoint === selfUrl(a));
  if (!me || me.memberId === '' || me.leader !== me.memberId) return undefined;
  const target = s.find((x) => x.memberId !== me.memberId && !x.isLearner);
  if (!target) return undefined;
  await retryUntil(
    ctx,
    'ETCD_DEFRAG_FAILED',
    `move-leader to ${target.endpoint}`,
    deadline,
    async () => {
      const now = await status(ctx, a, others(a));
      const seen = typeof now === 'string' ? undefined : agreedLeader(now);
      if (seen !== undefined && seen !== me.memberId) return true;
      const r = await runRoot(ctx, etcdctl(to(a, [a.self.ip]), ['move-leader', target.memberId]));
      return r.code === 0 ? 'waiting for the members to see the new leader' : lastError(r);
    },
    HINT,
  );
  return target.endpoint;
}

/** This member's db usage, as it reports it. */
export async function usageOf(ctx: ApplyContext, a: DefragTarget): Promise<DbUsage | undefined> {
  const r = await runRoot(ctx, etcdctl(to(a, [a.self.ip]), ['endpoint', 'status', '-w', 'json']));
  try {
    return parseDbUsage(r.stdout)[0];
  } catch {
    return undefined;
  }
}

/** The defrag of one member; returns what was done. */
export async function defragMember(ctx: ApplyContext, a: DefragTarget): Promise<string[]> {
  const deadline = Date.now() + a.timeoutMs;
  const before = await gate(ctx, a, deadline);
  const done: string[] = [];
  const moved = await moveAway(ctx, a, before, deadline);
  if (moved) done.push(`moved leadership to ${moved}`);
  const t0 = Date.now();
  const cmd = etcdctl(to(a, [a.self.ip]), ['defrag', `--command-timeout=${a.defragTimeoutS}s`]);
  const r = await ctx.conn.exec(cmd, { become: true, timeoutMs: (a.defragTimeoutS + 15) * 1000 });
  if (r.code !== 0) {
    throw new TsplayError('ETCD_DEFRAG_FAILED', `etcdctl defrag on ${a.self.name} failed: ${lastError(r)}`, {
      host: ctx.host,
      task: ctx.task,
      hint: HINT,
    });
  }
  done.push(`defragmented in ${Date.now() - t0} ms`);
  const all = [a.self.ip, ...others(a)];
  await retryUntil(
    ctx,
    'ETCD_DEFRAG_FAILED',
    `${a.self.name} healthy after the defrag`,
    Math.max(deadline, Date.now() + 30_000),
    async () => {
      const h = await healthy(ctx, a, [a.self.ip]);
      if (h !== true) return h;
      const s = await status(ctx, a, all);
      if (typeof s === 'string') return s;
      if (!agreedLeader(s)) return 'the members do not agree on one leader yet';
      return caughtUp(s, selfUrl(a));
    },
    HINT,
  );
  done.push('healthy and caught up with the leader');
  return done;
}

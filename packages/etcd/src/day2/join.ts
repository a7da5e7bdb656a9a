/**
 * `etcd-join`, on the host that joins: learner first (`member add --learner`), the unit with
 * `--initial-cluster-state existing` and the member list etcd then has, start, wait until the learner
 * has caught up with the leader's raft index, `member promote`, wait for its health. A host that is
 * already a started voter is unchanged; a learner added earlier but never finished is completed.
 * Adds are retried while etcd says another learner is pending or the cluster just changed, so two hosts
 * joining at once take turns.
 */
import { defineModule, raw, sh, TsplayError, type ApplyContext } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { etcdctlArg, hostPath, memberArg, tlsArgs, tlsOf, word } from '../schemas.js';
import { parseMemberListJson, type MemberStatus } from '../members.js';
import { etcdUnit, peerUrl, clientUrl, type EtcdMember } from '../unit.js';
import { etcdctl, type EtcdctlTarget } from './probe.js';
import { parseEndpointStatus } from './status.js';

export const joinArgs = z.object({
  self: memberArg,
  /** The target members (inventory group); the others' client URLs reach the cluster. */
  target: z.array(memberArg).min(1),
  token: word('token'),
  dataDir: hostPath('dataDir'),
  unitPath: hostPath('unitPath').default('/etc/systemd/system/etcd.service'),
  ...etcdctlArg,
  ...tlsArgs,
  timeoutMs: z.number().int().positive().default(120_000),
});
export type JoinArgs = z.output<typeof joinArgs>;

const cluster = (a: JoinArgs): EtcdctlTarget => ({
  ...a,
  endpoints: a.target.filter((t) => t.ip !== a.self.ip).map((t) => clientUrl(t.ip)),
});

/** Pure: where this host stands in the member list. */
export function joinState(list: readonly MemberStatus[] | undefined, self: EtcdMember): 'unknown' | 'absent' | 'learner' | 'voter' {
  if (!list) return 'unknown';
  const m = list.find((x) => x.peerUrls.includes(peerUrl(self.ip)));
  if (!m) return 'absent';
  return m.isLearner || m.status === 'unstarted' ? 'learner' : 'voter';
}

/** Pure: the --initial-cluster members after the add (unstarted members named from the target). */
export function joinedMembers(list: readonly MemberStatus[], target: readonly EtcdMember[]): EtcdMember[] {
  return list.flatMap((m) => {
    const t = target.find((x) => m.peerUrls.includes(peerUrl(x.ip)));
    const ip = t?.ip ?? /^https:\/\/([^:/]+):/.exec(m.peerUrls[0] ?? '')?.[1];
    return ip ? [{ name: m.name || t?.name || m.id, ip }] : [];
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(ctx: ApplyContext, cmd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return ctx.conn.exec(cmd, { become: true, timeoutMs: 30_000 });
}

/** Retry `step` until it returns a value or the deadline passes; the last failure is the error. */
async function until<T>(ctx: ApplyContext, what: string, deadline: number, step: () => Promise<T | string>): Promise<T> {
  for (;;) {
    const r = await step();
    if (typeof r !== 'string') return r;
    if (Date.now() > deadline || ctx.signal.aborted)
      throw new TsplayError('ETCD_JOIN_FAILED', `${what}: ${r}`, {
        host: ctx.host,
        task: ctx.task,
        hint: 'journalctl -u etcd on the joining host; a re-run completes the join',
      });
    await sleep(500);
  }
}

async function memberList(ctx: ApplyContext, a: JoinArgs): Promise<MemberStatus[] | string> {
  const r = await run(ctx, etcdctl(cluster(a), ['member', 'list', '-w', 'json']));
  try {
    return r.code === 0 ? parseMemberListJson(r.stdout).members : (r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`);
  } catch (e) {
    return (e as Error).message;
  }
}

/** The join itself (etcd-replace-member reuses it after removing the old member). */
export async function join(ctx: ApplyContext, a: JoinArgs) {
  const deadline = Date.now() + a.timeoutMs;
  let list = await until(ctx, 'member list', deadline, () => memberList(ctx, a));
  if (joinState(list, a.self) === 'absent') {
    await until(ctx, `member add --learner ${a.self.name}`, deadline, async () => {
      const r = await run(ctx, etcdctl(cluster(a), ['member', 'add', a.self.name, '--learner', `--peer-urls=${peerUrl(a.self.ip)}`]));
      if (r.code === 0) return true;
      const again = await memberList(ctx, a); // a timed-out add may have gone through
      return typeof again !== 'string' && joinState(again, a.self) !== 'absent'
        ? true
        : (r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`);
    });
    list = await until(ctx, 'member list', deadline, () => memberList(ctx, a));
  }
  const unit = etcdUnit({
    name: a.self.name,
    internalIp: a.self.ip,
    members: joinedMembers(list, a.target),
    token: a.token,
    dataDir: a.dataDir,
    ...tlsOf(a),
    clusterState: 'existing',
  });
  await ctx.conn.put(a.unitPath, unit, { mode: 0o644, become: true });
  await run(
    ctx,
    sh`mkdir -p ${a.dataDir} && chmod 700 ${a.dataDir} && systemctl daemon-reload && systemctl enable etcd >/dev/null 2>&1; systemctl start --no-block etcd`,
  );
  await until(ctx, 'learner caught up with the leader', deadline, () => caughtUp(ctx, a));
  await until(ctx, `member promote ${a.self.name}`, deadline, async () => {
    const now = await memberList(ctx, a);
    if (typeof now !== 'string' && joinState(now, a.self) === 'voter') return true;
    const id = typeof now === 'string' ? undefined : now.find((m) => m.peerUrls.includes(peerUrl(a.self.ip)))?.id;
    if (!id) return typeof now === 'string' ? now : 'not in the member list';
    const r = await run(ctx, etcdctl(cluster(a), ['member', 'promote', id]));
    return r.code === 0 ? true : (r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`);
  });
  await until(ctx, 'health of the new member', deadline, async () => {
    const r = await run(ctx, etcdctl({ ...a, endpoints: [clientUrl(a.self.ip)] }, ['endpoint', 'health']));
    return r.code === 0 ? true : (r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`);
  });
  return { changed: true, data: { joined: a.self.name }, stdout: `${a.self.name} joined as a learner, caught up and was promoted` };
}

/** The learner's applied index has reached the leader's raft index as seen when this check ran. */
async function caughtUp(ctx: ApplyContext, a: JoinArgs): Promise<true | string> {
  const endpoints = [clientUrl(a.self.ip), ...cluster(a).endpoints];
  const r = await run(ctx, etcdctl({ ...a, endpoints }, ['endpoint', 'status', '-w', 'json']));
  let s;
  try {
    s = parseEndpointStatus(r.stdout);
  } catch (e) {
    return (e as Error).message;
  }
  const me = s.find((x) => x.endpoint === clientUrl(a.self.ip));
  const leader = s.find((x) => x.memberId !== '' && x.memberId === x.leader);
  if (!me || !leader) return `no status from ${me ? 'the leader' : a.self.name} yet`;
  return me.raftAppliedIndex >= leader.raftIndex ? true : `applied ${me.raftAppliedIndex} of ${leader.raftIndex}`;
}

export const etcdJoin = defineModule({
  name: 'etcd-join',
  args: joinArgs,
  facts: (a) => ({
    list: commandFact(
      `etcd-join:${a.self.ip}`,
      sh`if [ -x ${a.etcdctl} ] && [ -r ${a.certFile} ]; then ${raw(etcdctl(cluster(a), ['member', 'list', '-w', 'json']))} 2>/dev/null; fi`,
      (r) => {
        try {
          return r.stdout.trim() ? parseMemberListJson(r.stdout).members : undefined;
        } catch {
          return undefined;
        }
      },
      { become: true },
    ),
  }),
  plan: (f, a) => {
    const s = joinState(f.list, a.self);
    if (s === 'voter') return { changed: false, summary: `${a.self.name} is a voting member` };
    const what =
      s === 'learner'
        ? 'complete the half-done join (learner added, not promoted)'
        : 'add as a learner, start, wait until caught up, promote';
    return { changed: true, summary: `would ${what}` };
  },
  apply: (ctx, a) => join(ctx, a),
});

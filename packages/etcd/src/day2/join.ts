/**
 * `etcd-join`, on the host that joins: learner first (`member add --learner`), the unit with
 * `--initial-cluster-state existing` and the member list etcd then has, serving clients on 127.0.0.1 only
 * (join-unit.ts: clients cannot reach a learner, which refuses their puts), start, wait until the learner has
 * caught up with the leader's raft index, `member promote`; then the member's normal unit (the role's, given
 * in `unit`, else the join's with the internal IP) and one restart with the rolling restart's gates
 * (rolling-steps.ts; leadership moved away first if it leads). A started voter in its normal form is
 * unchanged; a learner added earlier but never finished, or a voter still in the learner's form, is completed.
 * Adds are retried while etcd says another learner is pending or the cluster just changed, so two hosts
 * joining at once take turns.
 */
import { defineModule, raw, sh, type ApplyContext } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { etcdctlArg, hostPath, memberArg, tlsArgs, tlsOf, word } from '../schemas.js';
import { parseMemberListJson, type MemberStatus } from '../members.js';
import { etcdUnit, peerUrl, clientUrl, type EtcdMember } from '../unit.js';
import { JOIN_SUMMARY, joinedMembers, joinWork, learnerFormScript, learnerUnit, parseLearnerForm, type JoinState } from './join-unit.js';
import { caughtUpOnLoopback, finishJoin, memberList, until } from './join-steps.js';
import { etcdctl, type EtcdctlTarget } from './probe.js';
import { lastError, runRoot } from './steps.js';

export const joinArgs = z.object({
  self: memberArg,
  /** The target members (inventory group); the others' client URLs reach the cluster. */
  target: z.array(memberArg).min(1),
  token: word('token'),
  dataDir: hostPath('dataDir'),
  unitPath: hostPath('unitPath').default('/etc/systemd/system/etcd.service'),
  /** The role's etcd.service for this member, written once it is a voter (then one restart). */
  unit: z.string().min(1).optional(),
  ...etcdctlArg,
  ...tlsArgs,
  timeoutMs: z.number().int().positive().default(120_000),
});
export type JoinArgs = z.output<typeof joinArgs>;

export const othersOf = (a: JoinArgs): EtcdctlTarget => ({
  ...a,
  endpoints: a.target.filter((t) => t.ip !== a.self.ip).map((t) => clientUrl(t.ip)),
});

/** Pure: where this host stands in the member list. */
export function joinState(list: readonly MemberStatus[] | undefined, self: EtcdMember): JoinState {
  if (!list) return 'unknown';
  const m = list.find((x) => x.peerUrls.includes(peerUrl(self.ip)));
  if (!m) return 'absent';
  return m.isLearner || m.status === 'unstarted' ? 'learner' : 'voter';
}

/** Pure: the join's unit (`existing`, the members etcd lists), clients on the internal IP. */
export const joinUnit = (a: JoinArgs, list: readonly MemberStatus[]): string =>
  etcdUnit({
    name: a.self.name,
    internalIp: a.self.ip,
    members: joinedMembers(list, a.target),
    token: a.token,
    dataDir: a.dataDir,
    ...tlsOf(a),
    clusterState: 'existing',
  });

/** Add, start on 127.0.0.1 only, catch up, promote; returns the member list after the promotion. */
async function learnerPhase(ctx: ApplyContext, a: JoinArgs, first: MemberStatus[], deadline: number): Promise<MemberStatus[]> {
  let list = first;
  if (joinState(list, a.self) === 'absent') {
    await until(ctx, `member add --learner ${a.self.name}`, deadline, async () => {
      const r = await runRoot(ctx, etcdctl(othersOf(a), ['member', 'add', a.self.name, '--learner', `--peer-urls=${peerUrl(a.self.ip)}`]));
      if (r.code === 0) return true;
      const again = await memberList(ctx, othersOf(a)); // a timed-out add may have gone through
      return typeof again !== 'string' && joinState(again, a.self) !== 'absent' ? true : lastError(r);
    });
    list = await until(ctx, 'member list', deadline, () => memberList(ctx, othersOf(a)));
  }
  await ctx.conn.put(a.unitPath, learnerUnit(joinUnit(a, list), a.self.ip), { mode: 0o644, become: true });
  await runRoot(
    ctx,
    sh`mkdir -p ${a.dataDir} && chmod 700 ${a.dataDir} && systemctl daemon-reload && systemctl enable etcd >/dev/null 2>&1; systemctl start --no-block etcd`,
  );
  await until(ctx, 'learner caught up with the leader', deadline, () => caughtUpOnLoopback(ctx, a, othersOf(a).endpoints));
  return until(ctx, `member promote ${a.self.name}`, deadline, async () => {
    const now = await memberList(ctx, othersOf(a));
    if (typeof now !== 'string' && joinState(now, a.self) === 'voter') return now;
    const id = typeof now === 'string' ? undefined : now.find((m) => m.peerUrls.includes(peerUrl(a.self.ip)))?.id;
    if (!id) return typeof now === 'string' ? now : 'not in the member list';
    const r = await runRoot(ctx, etcdctl(othersOf(a), ['member', 'promote', id]));
    return r.code === 0 ? 'promoted; reading the member list' : lastError(r);
  });
}

/** The join itself (etcd-replace-member reuses it after removing the old member). */
export async function join(ctx: ApplyContext, a: JoinArgs) {
  const deadline = Date.now() + a.timeoutMs;
  const first = await until(ctx, 'member list', deadline, () => memberList(ctx, othersOf(a)));
  const form = parseLearnerForm((await runRoot(ctx, learnerFormScript(a.unitPath))).stdout);
  const work = joinWork(joinState(first, a.self), form);
  if (work === 'none') return { changed: false, data: { joined: a.self.name }, stdout: `${a.self.name} is a voting member` };
  const list = work === 'finish' ? first : await learnerPhase(ctx, a, first, deadline);
  const done = await finishJoin(ctx, a, list, a.unit ?? joinUnit(a, list), deadline);
  const how =
    work === 'finish'
      ? 'was a voter serving clients on 127.0.0.1 only'
      : 'joined as a learner (clients on 127.0.0.1 only), caught up and was promoted';
  return { changed: true, data: { joined: a.self.name }, stdout: `${a.self.name} ${how}; ${done.join('; ')}` };
}

export const etcdJoin = defineModule({
  name: 'etcd-join',
  args: joinArgs,
  facts: (a) => ({
    list: commandFact(
      `etcd-join:${a.self.ip}`,
      sh`if [ -x ${a.etcdctl} ] && [ -r ${a.certFile} ]; then ${raw(etcdctl(othersOf(a), ['member', 'list', '-w', 'json']))} 2>/dev/null; fi`,
      (r) => {
        try {
          return r.stdout.trim() ? parseMemberListJson(r.stdout).members : undefined;
        } catch {
          return undefined;
        }
      },
      { become: true },
    ),
    form: commandFact(`etcd-join-form:${a.unitPath}`, learnerFormScript(a.unitPath), (r) => parseLearnerForm(r.stdout), { become: true }),
  }),
  plan: (f, a) => {
    const work = joinWork(joinState(f.list, a.self), f.form);
    if (work === 'none') return { changed: false, summary: `${a.self.name} is a voting member` };
    return { changed: true, summary: `would ${JOIN_SUMMARY[work]}` };
  },
  apply: (ctx, a) => join(ctx, a),
});

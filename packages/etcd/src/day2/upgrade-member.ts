/**
 * `etcd-upgrade-member`: after the new binaries are in place (etcd-upgrade-keep, then the role's download
 * and unarchive), brings this member onto the target release. Unchanged when its `/version` already says
 * the target. Otherwise:
 * 1. when this member leads, `move-leader` to a member already on the target (else any other voter),
 *    and wait until the members see the new leader;
 * 2. `systemctl restart etcd`, then wait, within the budget, until `/version` says the target, endpoint
 *    health is true and its applied raft index has reached the leader's;
 * 3. if it does not come back (the unit exits, or the budget passes): put `etcd.prev`/`etcdctl.prev`
 *    back, restart, wait until it is healthy and caught up on the previous release, and stop the run
 *    with ETCD_UPGRADE_FAILED naming the member and what failed (the rest of the cluster is untouched).
 */
import { defineModule, sh, TsplayError, type ApplyContext } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { etcdctlArg, hostPath, memberArg, tlsArgs } from '../schemas.js';
import { clientUrl } from '../unit.js';
import { etcdctl } from './probe.js';
import { leaderOf, parseVersionJson } from './status.js';
import { lastError, retryUntil, runRoot } from './steps.js';
import { isLeaderAt, judgeMemberUp, leaderSuccessor, parseEtcdVersionOutput, type MemberVerdict } from './upgrade-judge.js';
import { memberProbeScript, parseMemberProbe, versionCurl, type MemberTarget } from './upgrade-probe.js';

export const upgradeMemberArgs = z.object({
  self: memberArg,
  /** Every member (the inventory group): their client URLs reach the cluster. */
  members: z.array(memberArg).min(1),
  version: z.string().min(1),
  /** How long the member may take to be back, for the upgrade and again for a rollback. */
  budgetMs: z.number().int().positive().default(120_000),
  binDir: hostPath('binDir').default('/usr/local/bin'),
  binaries: z
    .array(z.string().regex(/^[A-Za-z0-9._-]+$/))
    .min(1)
    .default(['etcd', 'etcdctl']),
  ...etcdctlArg,
  ...tlsArgs,
});
export type UpgradeMemberArgs = z.output<typeof upgradeMemberArgs>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hint = (a: UpgradeMemberArgs) =>
  `journalctl -u etcd on ${a.self.name}; the members already upgraded stay so, and a re-run skips them`;

async function probe(ctx: ApplyContext, a: MemberTarget) {
  return parseMemberProbe((await runRoot(ctx, memberProbeScript(a))).stdout);
}

/** Step 1: hand leadership over when this member leads. Returns the new leader's endpoint, or ''. */
async function handOver(ctx: ApplyContext, a: UpgradeMemberArgs, deadline: number): Promise<string> {
  const first = await probe(ctx, a);
  if (!isLeaderAt(first.status, a.self.ip)) return '';
  const to = leaderSuccessor(first.status, a.self.ip, a.version);
  const myId = first.status.find((s) => s.endpoint === clientUrl(a.self.ip))?.memberId ?? '';
  if (!to) return '';
  await retryUntil(
    ctx,
    'ETCD_UPGRADE_FAILED',
    `${a.self.name}: move-leader to ${to.endpoint} before the restart`,
    deadline,
    async () => {
      const now = leaderOf((await probe(ctx, a)).status);
      if (typeof now !== 'string' && now.memberId !== myId) return true;
      const r = await runRoot(ctx, etcdctl({ ...a, endpoints: [clientUrl(a.self.ip)] }, ['move-leader', to.memberId]));
      return r.code === 0 ? 'waiting for the members to see the new leader' : lastError(r);
    },
    `${hint(a)}; no member was restarted`,
  );
  return to.endpoint;
}

/** Steps 2 and 3: wait until the member is back on `want`; the last verdict when it crashed or the deadline passed. */
async function waitUp(
  ctx: ApplyContext,
  a: UpgradeMemberArgs,
  want: string,
  restartsBefore: number,
  deadline: number,
): Promise<MemberVerdict> {
  for (;;) {
    const v = judgeMemberUp(await probe(ctx, a), a.self.ip, want, restartsBefore);
    if (v.up || v.crashed || Date.now() > deadline || ctx.signal.aborted) return v;
    await sleep(250);
  }
}

async function restarts(ctx: ApplyContext): Promise<number> {
  const r = await runRoot(ctx, 'systemctl show etcd -p NRestarts --value');
  return Number(r.stdout.trim()) || 0;
}

async function restart(ctx: ApplyContext): Promise<number> {
  const before = await restarts(ctx);
  const r = await runRoot(ctx, 'systemctl reset-failed etcd >/dev/null 2>&1; systemctl restart --no-block etcd');
  if (r.code !== 0)
    throw new TsplayError('ETCD_UPGRADE_FAILED', `systemctl restart etcd: ${lastError(r)}`, { host: ctx.host, task: ctx.task });
  return before;
}

/** Put the .prev binaries back; returns the release they are. */
async function restorePrev(ctx: ApplyContext, a: UpgradeMemberArgs): Promise<string> {
  const cmds = a.binaries.map((b) => {
    const bin = `${a.binDir}/${b}`;
    return sh`cp -p ${`${bin}.prev`} ${`${bin}.rollback.tmp`} && mv -f ${`${bin}.rollback.tmp`} ${bin}`;
  });
  const r = await runRoot(ctx, `set -e\n${cmds.join('\n')}\nsync\n${sh`${`${a.binDir}/etcd`} --version`}`);
  const prev = parseEtcdVersionOutput(r.stdout);
  if (r.code !== 0 || prev === '')
    throw new TsplayError('ETCD_UPGRADE_FAILED', `${a.self.name}: putting the .prev binaries back failed: ${lastError(r)}`, {
      host: ctx.host,
      task: ctx.task,
      hint: `copy ${a.binDir}/etcd.prev over ${a.binDir}/etcd by hand and restart etcd`,
    });
  return prev;
}

async function upgrade(ctx: ApplyContext, a: UpgradeMemberArgs) {
  const deadline = Date.now() + a.budgetMs;
  const movedTo = await handOver(ctx, a, deadline);
  const before = await restart(ctx);
  const v = await waitUp(ctx, a, a.version, before, deadline);
  const moved = movedTo ? `moved leadership to ${movedTo}; ` : '';
  if (v.up)
    return {
      changed: true,
      data: { upgraded: a.self.name, version: a.version, movedLeaderTo: movedTo },
      stdout: `${moved}restarted on ${a.version}: healthy, /version ${a.version}, caught up with the leader`,
    };
  const why = v.why;
  ctx.log(`${a.self.name} did not come back on ${a.version} (${why}): rolling back`);
  const prev = await restorePrev(ctx, a);
  const again = await restart(ctx);
  const back = await waitUp(ctx, a, prev, again, Date.now() + a.budgetMs);
  const failed = `${a.self.name}: etcd ${a.version} did not come back (${why})`;
  if (!back.up)
    throw new TsplayError('ETCD_UPGRADE_FAILED', `${failed}, and the rollback to ${prev} did not come back either (${back.why})`, {
      host: ctx.host,
      task: ctx.task,
      hint: `${hint(a)}; the other members keep quorum`,
    });
  throw new TsplayError(
    'ETCD_UPGRADE_FAILED',
    `${failed}; rolled back to etcd ${prev} (the .prev binaries): the member is healthy and caught up again, the run stops here`,
    { host: ctx.host, task: ctx.task, hint: hint(a) },
  );
}

export const etcdUpgradeMember = defineModule({
  name: 'etcd-upgrade-member',
  args: upgradeMemberArgs,
  facts: (a) => ({
    server: commandFact(
      `etcd-upgrade-version:${a.self.ip}`,
      versionCurl(a, a.self.ip),
      (r) => {
        try {
          return parseVersionJson(r.stdout).server;
        } catch {
          return '';
        }
      },
      { become: true },
    ),
  }),
  plan: (f, a) => {
    if (f.server === a.version) return { changed: false, summary: `${a.self.name} runs etcd ${a.version}` };
    return {
      changed: true,
      summary: `would restart ${a.self.name} (running ${f.server || 'unknown'}) on ${a.version}, moving leadership first if it leads, and wait up to ${a.budgetMs / 1000} s for health, /version and the raft index; roll back to the .prev binaries if it does not come back`,
    };
  },
  apply: (ctx, a) => upgrade(ctx, a),
});

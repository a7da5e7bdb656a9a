/**
 * `etcd-leave`: runs on the member to remove. When it is the leader, leadership moves to a member that
 * stays (`move-leader`, sent to this member) and the task waits until the others see the new leader;
 * then `member remove` through the members that stay, etcd is stopped and disabled here, and the data dir
 * is renamed to `<dataDir>.removed-<UTC time>` (kept, never deleted). A host that is no member, with etcd
 * stopped and disabled and no data dir, is unchanged.
 */
import { defineModule, raw, sh, TsplayError, type ApplyContext } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { etcdctlArg, hostPath, memberArg, tlsArgs } from '../schemas.js';
import { parseMemberListJson, type MemberStatus } from '../members.js';
import { clientUrl, peerUrl } from '../unit.js';
import { etcdctl, type EtcdctlTarget } from './probe.js';
import { parseEndpointStatus } from './status.js';
import { lastError, retryUntil, runRoot } from './steps.js';

export const leaveArgs = z.object({
  self: memberArg,
  /** The members that stay (their client URLs reach the cluster). */
  keep: z.array(memberArg).min(1),
  dataDir: hostPath('dataDir'),
  ...etcdctlArg,
  ...tlsArgs,
  timeoutMs: z.number().int().positive().default(60_000),
});
export type LeaveArgs = z.output<typeof leaveArgs>;

export interface LeaveState {
  /** This host's member ID, '' when it is not in the member list; undefined when the list was not readable. */
  memberId: string | undefined;
  active: boolean;
  enabled: boolean;
  dataDir: boolean;
}

const kept = (a: LeaveArgs): EtcdctlTarget => ({ ...a, endpoints: a.keep.map((m) => clientUrl(m.ip)) });
const HINT = 'etcdctl member list and journalctl -u etcd on the members; a re-run continues where this stopped';

/** The read-only state script: member list (through the members that stay), unit state, data dir. */
export function leaveStateScript(a: LeaveArgs): string {
  return [
    sh`echo "@@active $(systemctl is-active etcd 2>/dev/null)"; echo "@@enabled $(systemctl is-enabled etcd 2>/dev/null)"`,
    sh`if [ -d ${a.dataDir} ]; then echo '@@datadir yes'; else echo '@@datadir no'; fi`,
    sh`if [ -x ${a.etcdctl} ] && [ -r ${a.certFile} ]; then ${raw(etcdctl(kept(a), ['member', 'list', '-w', 'json']))} 2>/dev/null; fi`,
  ].join('\n');
}

/** Pure. */
export function parseLeaveState(out: string, self: { ip: string }): LeaveState {
  const tag = (t: string) => new RegExp(`^@@${t} (.*)$`, 'm').exec(out)?.[1]?.trim() ?? '';
  const json = out
    .split('\n')
    .filter((l) => !l.startsWith('@@'))
    .join('\n');
  let memberId: string | undefined;
  try {
    memberId = parseMemberListJson(json).members.find((m) => m.peerUrls.includes(peerUrl(self.ip)))?.id ?? '';
  } catch {
    memberId = undefined;
  }
  return { memberId, active: tag('active') === 'active', enabled: tag('enabled') === 'enabled', dataDir: tag('datadir') === 'yes' };
}

/** Pure: what is left to do. */
export function leaveWork(s: LeaveState): string[] {
  return [
    ...(s.memberId !== '' ? ['member remove'] : []),
    ...(s.active || s.enabled ? ['stop and disable etcd'] : []),
    ...(s.dataDir ? ['archive the data dir'] : []),
  ];
}

async function members(ctx: ApplyContext, a: LeaveArgs): Promise<MemberStatus[] | string> {
  const r = await runRoot(ctx, etcdctl(kept(a), ['member', 'list', '-w', 'json']));
  try {
    return r.code === 0 ? parseMemberListJson(r.stdout).members : lastError(r);
  } catch (e) {
    return (e as Error).message;
  }
}

/** The leader as the members that stay see it; '' when they disagree or see none. */
async function leaderSeen(ctx: ApplyContext, a: LeaveArgs): Promise<string> {
  const r = await runRoot(ctx, etcdctl(kept(a), ['endpoint', 'status', '-w', 'json']));
  try {
    const leaders = new Set(parseEndpointStatus(r.stdout).map((s) => s.leader));
    return leaders.size === 1 ? ([...leaders][0] ?? '') : '';
  } catch {
    return '';
  }
}

async function moveLeadership(
  ctx: ApplyContext,
  a: LeaveArgs,
  myId: string,
  list: readonly MemberStatus[],
  deadline: number,
): Promise<boolean> {
  if ((await leaderSeen(ctx, a)) !== myId) return false;
  const to = list.find((m) => m.id !== myId && !m.isLearner && a.keep.some((k) => m.peerUrls.includes(peerUrl(k.ip))));
  if (!to) return false;
  await retryUntil(
    ctx,
    'ETCD_REMOVE_FAILED',
    `move-leader to ${to.name}`,
    deadline,
    async () => {
      const seen = await leaderSeen(ctx, a);
      if (seen !== '' && seen !== myId) return true;
      const r = await runRoot(ctx, etcdctl({ ...a, endpoints: [clientUrl(a.self.ip)] }, ['move-leader', to.id]));
      return r.code === 0 ? 'waiting for the members to see the new leader' : lastError(r);
    },
    HINT,
  );
  return true;
}

async function leave(ctx: ApplyContext, a: LeaveArgs) {
  const deadline = Date.now() + a.timeoutMs;
  const list = await retryUntil(ctx, 'ETCD_REMOVE_FAILED', 'member list', deadline, () => members(ctx, a), HINT);
  const me = list.find((m) => m.peerUrls.includes(peerUrl(a.self.ip)));
  const done: string[] = [];
  if (me) {
    if (await moveLeadership(ctx, a, me.id, list, deadline)) done.push('moved leadership');
    await retryUntil(
      ctx,
      'ETCD_REMOVE_FAILED',
      `member remove ${me.id}`,
      deadline,
      async () => {
        const now = await members(ctx, a);
        if (typeof now !== 'string' && !now.some((m) => m.id === me.id)) return true;
        const r = await runRoot(ctx, etcdctl(kept(a), ['member', 'remove', me.id]));
        return r.code === 0 ? true : lastError(r);
      },
      HINT,
    );
    done.push(`member remove ${me.id}`);
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
  const r = await runRoot(
    ctx,
    sh`systemctl disable --now etcd >/dev/null 2>&1; systemctl is-active etcd >/dev/null 2>&1 && exit 3; if [ -d ${a.dataDir} ]; then mv ${a.dataDir} ${`${a.dataDir}.removed-${stamp}`} && sync; fi`,
  );
  if (r.code !== 0)
    throw new TsplayError(
      'ETCD_REMOVE_FAILED',
      `stop etcd and archive the data dir: ${r.code === 3 ? 'etcd is still active' : lastError(r)}`,
      { host: ctx.host, task: ctx.task, hint: HINT },
    );
  done.push('stopped and disabled etcd', `data dir kept as ${a.dataDir}.removed-${stamp}`);
  return { changed: true, data: { removed: a.self.name, memberId: me?.id ?? '' }, stdout: done.join('; ') };
}

export const etcdLeave = defineModule({
  name: 'etcd-leave',
  args: leaveArgs,
  facts: (a) => ({
    state: commandFact(`etcd-leave:${a.self.ip}`, leaveStateScript(a), (r) => parseLeaveState(r.stdout, a.self), { become: true }),
  }),
  plan: (f, a) => {
    const work = leaveWork(f.state);
    if (work.length === 0) return { changed: false, summary: `${a.self.name} is not a member, etcd is stopped and disabled, no data dir` };
    return {
      changed: true,
      summary: `would ${work.join(', ')}${f.state.memberId === undefined ? ' (the member list was not readable)' : ''}`,
    };
  },
  apply: (ctx, a) => leave(ctx, a),
});

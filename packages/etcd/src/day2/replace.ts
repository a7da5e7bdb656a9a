/**
 * `etcd-replace`, on the member to replace (one whose data is gone): judged first on the cluster as the
 * other members see it (replace-judge.ts; a refusal is thrown from the plan, so no host changes, in check
 * mode too), then: leadership moved away (only a forced replace of the leader), etcd stopped, `member
 * remove` of the old ID through the other members, the data dir archived (renamed, never deleted), and the
 * join of join.ts on an empty data dir: `member add --learner`, the unit with `--initial-cluster-state
 * existing` serving clients on 127.0.0.1 only (clients cannot reach the learner, which would refuse their
 * puts), start, wait until caught up, `member promote`; then the role's own unit (given in `unit`) and one
 * gated restart, which opens the client port on the internal IP. A member with data ignores the
 * --initial-cluster* flags, so the unit is what playbooks/etcd.ts converges and a later converge changes nothing.
 */
import { defineModule, sh, TsplayError, type ApplyContext } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { etcdctlArg, hostPath, memberArg, tlsArgs, word } from '../schemas.js';
import { parseMemberListJson } from '../members.js';
import { clientUrl } from '../unit.js';
import { join } from './join.js';
import { learnerFormScript, parseLearnerForm } from './join-unit.js';
import { clusterProbeScript, parseClusterProbe, etcdctl, type ProbeResult } from './probe.js';
import { isReplaceRefusal, judgeReplace, type ReplaceLocal, type ReplacePlan, type Refusal } from './replace-judge.js';
import { parseEndpointStatus } from './status.js';
import { lastError, retryUntil, runRoot } from './steps.js';

export const replaceArgs = z.object({
  self: memberArg,
  /** Every member of the cluster (the inventory group), this one included. */
  target: z.array(memberArg).min(1),
  token: word('token'),
  dataDir: hostPath('dataDir'),
  unitPath: hostPath('unitPath').default('/etc/systemd/system/etcd.service'),
  /** The role's etcd.service for this member, written once it is a voter again (then one restart). */
  unit: z.string().min(1).optional(),
  force: z.boolean().default(false),
  ...etcdctlArg,
  ...tlsArgs,
  timeoutMs: z.number().int().positive().default(180_000),
});
export type ReplaceArgs = z.output<typeof replaceArgs>;

const HINT = 'etcdctl member list on another member, journalctl -u etcd here; a re-run continues (a learner left behind is completed)';
const others = (a: ReplaceArgs) => a.target.filter((t) => t.ip !== a.self.ip);

/** Read-only: etcd's state and the data dir here, then the cluster probe through the other members. */
export function replaceStateScript(a: ReplaceArgs): string {
  return [
    sh`echo "@@active $(systemctl is-active etcd 2>/dev/null)"`,
    sh`if [ -d ${`${a.dataDir}/member`} ]; then echo '@@data yes'; else echo '@@data no'; fi`,
    learnerFormScript(a.unitPath),
    clusterProbeScript({ ...a, endpoints: others(a).map((m) => clientUrl(m.ip)) }),
  ].join('\n');
}

export interface ReplaceState {
  local: ReplaceLocal;
  probe: ProbeResult;
}

/** Pure. */
export function parseReplaceState(out: string): ReplaceState {
  const tag = (t: string) => new RegExp(`^@@${t} (.*)$`, 'm').exec(out)?.[1]?.trim() ?? '';
  const rest = out
    .split('\n')
    .filter((l) => !/^@@(active|data|learner-unit|learner-run) /.test(l))
    .join('\n');
  const form = parseLearnerForm(out);
  return {
    local: { active: tag('active') === 'active', hasData: tag('data') === 'yes', learnerForm: form.unit || form.running },
    probe: parseClusterProbe(rest),
  };
}

/** Pure: the verdict on a state; undefined when the host has no etcdctl yet to ask the cluster with. */
export function replaceVerdict(s: ReplaceState, a: Pick<ReplaceArgs, 'self' | 'target' | 'force'>): Refusal | ReplacePlan | undefined {
  if (s.probe.absent) return undefined;
  return judgeReplace(s.probe.view, a.self, a.target, s.local, a.force);
}

function refused(r: Refusal, host: string, task?: string): TsplayError {
  return new TsplayError(r.code, r.message, { host, ...(task ? { task } : {}), hint: r.hint ?? 'no host was changed' });
}

async function memberIds(ctx: ApplyContext, a: ReplaceArgs): Promise<string[] | string> {
  const r = await runRoot(ctx, etcdctl({ ...a, endpoints: others(a).map((m) => clientUrl(m.ip)) }, ['member', 'list', '-w', 'json']));
  try {
    return r.code === 0 ? parseMemberListJson(r.stdout).members.map((m) => m.id) : lastError(r);
  } catch (e) {
    return (e as Error).message;
  }
}

/** Forced replace of the leader: hand leadership to another member first, until the others see it. */
async function moveLeader(ctx: ApplyContext, a: ReplaceArgs, oldId: string, deadline: number): Promise<void> {
  await retryUntil(
    ctx,
    'ETCD_REPLACE_FAILED',
    'move-leader away from the member to replace',
    deadline,
    async () => {
      const r = await runRoot(
        ctx,
        etcdctl({ ...a, endpoints: a.target.map((m) => clientUrl(m.ip)) }, ['endpoint', 'status', '-w', 'json']),
      );
      let s;
      try {
        s = parseEndpointStatus(r.stdout);
      } catch (e) {
        return (e as Error).message;
      }
      const seen = new Set(s.filter((x) => x.endpoint !== clientUrl(a.self.ip)).map((x) => x.leader));
      if (seen.size === 1 && !seen.has('') && !seen.has(oldId)) return true;
      const to = s.find((x) => x.memberId !== oldId && x.memberId !== '' && !x.isLearner);
      if (!to) return 'no other voter answered';
      const m = await runRoot(ctx, etcdctl({ ...a, endpoints: [clientUrl(a.self.ip)] }, ['move-leader', to.memberId]));
      return m.code === 0 ? 'waiting for the members to see the new leader' : lastError(m);
    },
    HINT,
  );
}

async function replace(ctx: ApplyContext, a: ReplaceArgs) {
  const deadline = Date.now() + a.timeoutMs;
  const state = parseReplaceState((await runRoot(ctx, replaceStateScript(a))).stdout);
  const v = replaceVerdict(state, a);
  if (v === undefined)
    throw new TsplayError('ETCD_REPLACE_FAILED', `no etcdctl or certificates at ${a.etcdctl} to ask the cluster with`, {
      host: ctx.host,
      task: ctx.task,
      hint: 'the role tasks before this one install them',
    });
  if (isReplaceRefusal(v)) throw refused(v, ctx.host, ctx.task);
  const done: string[] = [];
  if (v.moveLeader) {
    await moveLeader(ctx, a, v.removeId, deadline);
    done.push('moved leadership away');
  }
  if (!v.resume) {
    const stop = await runRoot(ctx, 'systemctl stop etcd; systemctl reset-failed etcd 2>/dev/null; ! systemctl is-active -q etcd');
    if (stop.code !== 0)
      throw new TsplayError('ETCD_REPLACE_FAILED', `etcd did not stop: ${lastError(stop)}`, { host: ctx.host, task: ctx.task, hint: HINT });
    if (state.local.active) done.push('stopped etcd');
  }
  if (v.removeId !== '') {
    await retryUntil(
      ctx,
      'ETCD_REPLACE_FAILED',
      `member remove ${v.removeId}`,
      deadline,
      async () => {
        const ids = await memberIds(ctx, a);
        if (typeof ids !== 'string' && !ids.includes(v.removeId)) return true;
        const r = await runRoot(ctx, etcdctl({ ...a, endpoints: others(a).map((m) => clientUrl(m.ip)) }, ['member', 'remove', v.removeId]));
        return r.code === 0 ? true : lastError(r);
      },
      HINT,
    );
    done.push(`member remove ${v.removeId}`);
  }
  if (v.archive) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
    const r = await runRoot(ctx, sh`mv ${a.dataDir} ${`${a.dataDir}.replaced-${stamp}`} && sync`);
    if (r.code !== 0)
      throw new TsplayError('ETCD_REPLACE_FAILED', `archive the data dir: ${lastError(r)}`, { host: ctx.host, task: ctx.task, hint: HINT });
    done.push(`data dir kept as ${a.dataDir}.replaced-${stamp}`);
  }
  const remaining = Math.max(30_000, deadline - Date.now());
  const joined = await join(ctx, {
    self: a.self,
    target: a.target,
    token: a.token,
    dataDir: a.dataDir,
    unitPath: a.unitPath,
    etcdctl: a.etcdctl,
    caFile: a.caFile,
    certFile: a.certFile,
    keyFile: a.keyFile,
    ...(a.unit === undefined ? {} : { unit: a.unit }),
    timeoutMs: remaining,
  });
  done.push(joined.stdout);
  return { changed: true, data: { replaced: a.self.name, oldId: v.removeId }, stdout: done.join('; ') };
}

export const etcdReplace = defineModule({
  name: 'etcd-replace',
  args: replaceArgs,
  facts: (a) => ({
    state: commandFact(`etcd-replace:${a.self.ip}`, replaceStateScript(a), (r) => parseReplaceState(r.stdout), { become: true }),
  }),
  plan: (f, a, ctx) => {
    const v = replaceVerdict(f.state, a);
    if (v === undefined)
      return {
        changed: true,
        summary: `would replace ${a.self.name} (judged on the cluster once etcdctl and the certs are installed here)`,
      };
    if (isReplaceRefusal(v)) throw refused(v, ctx.host);
    return { changed: true, summary: `would ${v.steps.join(', ')}`, data: v };
  },
  apply: (ctx, a) => replace(ctx, a),
});

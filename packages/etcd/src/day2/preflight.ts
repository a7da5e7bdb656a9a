/**
 * `etcd-preflight`: the read-only check every day-2 playbook starts with. On a host that is a member it
 * probes the cluster (member list, endpoint health/status over every member, alarms) and judges the
 * operation; a refusal is thrown from the plan, so it stops the run before any task changes a host, in
 * check mode too. A host without etcdctl (a member to be) has nothing to say.
 */
import { defineModule } from '@tsplay/core';
import { z } from 'zod';
import { endpointArg, etcdctlArg, memberArg, tlsArgs } from '../schemas.js';
import { isRefusal, judgeHealthy, judgeJoin, judgeRemove, judgeUpgrade, type Refusal } from './checks.js';
import { unlessRefused } from './errors.js';
import { clusterProbeFact, type ProbeResult } from './probe.js';

export const preflightArgs = z.object({
  op: z.enum(['join', 'remove', 'upgrade', 'healthy']),
  /** The members the cluster should have afterwards (the inventory group, minus removals). */
  target: z.array(memberArg).min(1),
  /** For `upgrade`: the release to go to. */
  version: z.string().optional(),
  ...endpointArg,
  ...etcdctlArg,
  ...tlsArgs,
});
export type PreflightArgs = z.output<typeof preflightArgs>;

/** Pure: the verdict of one op on a probe (a refusal, or what the op will do). */
export function judgeOp(a: PreflightArgs, p: ProbeResult): Refusal | { data: unknown; summary: string } {
  if (p.absent) return { data: undefined, summary: 'not a member (no etcdctl here yet): nothing to check from this host' };
  const v = p.view;
  if (v.members.length === 0)
    return { code: 'ETCD_UNHEALTHY', message: `the cluster did not answer: ${p.problems.join('; ') || 'no member list'}` };
  const r =
    a.op === 'join'
      ? judgeJoin(v, a.target)
      : a.op === 'remove'
        ? judgeRemove(v, a.target)
        : a.op === 'upgrade'
          ? judgeUpgrade(v, a.version ?? '')
          : (judgeHealthy(v) ?? { ok: true });
  if (isRefusal(r)) return r;
  return { data: r, summary: `${a.op}: ${JSON.stringify(r).slice(0, 300)}` };
}

export const etcdPreflight = defineModule({
  name: 'etcd-preflight',
  args: preflightArgs,
  facts: (a) => ({ probe: clusterProbeFact(a) }),
  plan: (f, a, ctx) => {
    const j = unlessRefused(judgeOp(a, f.probe), ctx.host);
    return { changed: false, summary: j.summary, data: j.data };
  },
  resultFromPlan: (p) => p.data,
});

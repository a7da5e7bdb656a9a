/**
 * `etcd-preflight`: the read-only check every day-2 playbook starts with. On a host that is a member it
 * probes the cluster (member list, endpoint health/status over every member, alarms) and judges the
 * operation; a refusal is thrown from the plan, so it stops the run before any task changes a host, in
 * check mode too. A host without etcdctl (a member to be) has nothing to say.
 */
import { commandFact, defineModule } from '@tsplay/core';
import { z } from 'zod';
import { isRefusal, judgeHealthy, judgeJoin, judgeRemove, judgeUpgrade, type Refusal } from './checks.js';
import { refusalError } from './errors.js';
import { clusterProbeScript, parseClusterProbe, type ProbeResult } from './probe.js';

const member = z.object({ name: z.string().min(1), ip: z.string().min(1) });

export const preflightArgs = z.object({
  op: z.enum(['join', 'remove', 'upgrade', 'healthy']),
  /** The members the cluster should have afterwards (the inventory group, minus removals). */
  target: z.array(member).min(1),
  /** For `upgrade`: the release to go to. */
  version: z.string().optional(),
  endpoint: z.string().default('https://127.0.0.1:2379'),
  etcdctl: z.string().default('/usr/local/bin/etcdctl'),
  caFile: z.string().min(1),
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
});
export type PreflightArgs = z.output<typeof preflightArgs>;

/** Pure: the verdict of one op on a probe. */
export function judgeOp(a: PreflightArgs, p: ProbeResult): { refusal?: Refusal; data: unknown; summary: string } {
  if (p.absent) return { data: undefined, summary: 'not a member (no etcdctl here yet): nothing to check from this host' };
  const v = p.view;
  if (v.members.length === 0) return { refusal: { code: 'ETCD_UNHEALTHY', message: `the cluster did not answer: ${p.problems.join('; ') || 'no member list'}` }, data: undefined, summary: '' };
  const r =
    a.op === 'join' ? judgeJoin(v, a.target) : a.op === 'remove' ? judgeRemove(v, a.target) : a.op === 'upgrade' ? judgeUpgrade(v, a.version ?? '') : (judgeHealthy(v) ?? { ok: true });
  if (isRefusal(r)) return { refusal: r, data: undefined, summary: '' };
  return { data: r, summary: `${a.op}: ${JSON.stringify(r).slice(0, 300)}` };
}

export const etcdPreflight = defineModule({
  name: 'etcd-preflight',
  args: preflightArgs,
  facts: (a) => ({
    probe: commandFact(`etcd-probe:${a.endpoint}`, clusterProbeScript({ ...a, endpoints: [a.endpoint] }), (r) => parseClusterProbe(r.stdout), { become: true }),
  }),
  plan: (f, a, ctx) => {
    const j = judgeOp(a, f.probe);
    if (j.refusal) throw refusalError(j.refusal, { host: ctx.host });
    return { changed: false, summary: j.summary, data: j.data };
  },
  resultFromPlan: (p) => p.data,
});

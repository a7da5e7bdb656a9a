/**
 * The modules of etcd-defrag.ts (and of the recovery's defrag, etcd-recover-space.ts):
 * - `etcd-maintenance-preflight` (read-only, every member): probes the cluster (probe.ts) and judges the run
 *   (judgeMaintenance); a refusal stops the run before any host is changed, in check mode too. Its result
 *   says who leads (defragmented last) and whether a NOSPACE alarm is raised.
 * - `etcd-defrag-member` (one member at a time): its fact is this member's own `endpoint status`; the plan
 *   says whether it would be defragmented (fragmentation against `threshold` and `minBytes`, or `force`),
 *   exactly, from the figures of the moment; the apply is defrag-steps.ts.
 */
import { defineFact, defineModule, TsplayError } from '@tsplay/modules/kit';
import { z } from 'zod';
import { endpointArg, etcdctlArg, memberArg, tlsArgs } from '../schemas.js';
import { judgeDefrag, judgeMaintenance, mib, parseDbUsage, type DbUsage, type MaintenanceRun } from './defrag-judge.js';
import { defragMember, usageOf } from './defrag-steps.js';
import { unlessRefused } from './errors.js';
import { clusterProbeFact, etcdctl, type EtcdctlTarget } from './probe.js';

export const maintenancePreflightArgs = z.object({
  op: z.enum(['defrag', 'recover']),
  /** The members (the inventory group). */
  target: z.array(memberArg).min(1),
  ...endpointArg,
  ...etcdctlArg,
  ...tlsArgs,
});

export const etcdMaintenancePreflight = defineModule({
  name: 'etcd-maintenance-preflight',
  args: maintenancePreflightArgs,
  facts: (a) => ({ probe: clusterProbeFact(a) }),
  plan: (f, a, ctx) => {
    const r = unlessRefused(judgeMaintenance(f.probe, a.target, a.op), ctx.host);
    const leader = a.target.find((t) => t.ip === r.leaderIp)?.name ?? r.leaderIp;
    const alarm =
      a.op === 'recover'
        ? r.nospace
          ? 'NOSPACE alarm raised'
          : 'no NOSPACE alarm: nothing to recover, defragments only what is fragmented'
        : 'no alarm';
    return { changed: false, summary: `healthy, ${alarm}; the leader ${leader} goes last`, data: r };
  },
  resultFromPlan: (p): MaintenanceRun | undefined => p.data,
});

export const defragMemberArgs = z.object({
  self: memberArg,
  /** Every member of the cluster (their client URLs). */
  members: z.array(memberArg).min(1),
  threshold: z.number().min(0).max(1).default(0.2),
  minBytes: z
    .number()
    .int()
    .min(0)
    .default(16 * 1024 * 1024),
  force: z.boolean().default(false),
  defragTimeoutS: z.number().int().positive().default(300),
  timeoutMs: z.number().int().positive().default(600_000),
  ...etcdctlArg,
  ...tlsArgs,
});
export type DefragMemberArgs = z.output<typeof defragMemberArgs>;

export interface DefragResult {
  member: string;
  before: number;
  after: number | undefined;
}

const target = (a: DefragMemberArgs): EtcdctlTarget => ({ ...a, endpoints: [`https://${a.self.ip}:2379`] });

/** This member's own endpoint status: its db size and size in use (a string when it did not answer). */
const usageFact = defineFact({
  module: 'etcd-defrag-member',
  name: 'usage',
  become: true,
  script: (a: DefragMemberArgs) => `${etcdctl(target(a), ['endpoint', 'status', '-w', 'json'])} 2>&1`,
  id: (a: DefragMemberArgs) => a.self.ip,
  parse: (r): DbUsage | string => {
    try {
      return parseDbUsage(r.stdout)[0] ?? 'no status';
    } catch (e) {
      return (e as Error).message;
    }
  },
});

export const etcdDefragMember = defineModule({
  name: 'etcd-defrag-member',
  args: defragMemberArgs,
  facts: (a) => ({ usage: usageFact(a) }),
  plan: (f, a, ctx) => {
    if (typeof f.usage === 'string') {
      const why = `no endpoint status from ${a.self.name}: ${f.usage}`;
      if (ctx.check) return { changed: false, unknown: why };
      throw new TsplayError('ETCD_DEFRAG_FAILED', why, { host: ctx.host, hint: 'the member must answer; journalctl -u etcd on it' });
    }
    const n = judgeDefrag(f.usage, a);
    if (!n.need) return { changed: false, summary: `${a.self.name} not defragmented: ${n.reason}` };
    return { changed: true, summary: `would defragment ${a.self.name} (${n.reason}), leadership moved away first if it leads`, data: n };
  },
  apply: async (ctx, a) => {
    const before = typeof ctx.facts.usage === 'string' ? 0 : ctx.facts.usage.dbSize;
    const done = await defragMember(ctx, a);
    const after = (await usageOf(ctx, a))?.dbSize;
    const data: DefragResult = { member: a.self.name, before, after };
    return { changed: true, data, stdout: `${done.join('; ')}; db ${mib(before)} -> ${after === undefined ? '?' : mib(after)}` };
  },
});

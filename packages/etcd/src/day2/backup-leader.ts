/**
 * `etcd-leader`: which inventory member leads the cluster, from `etcdctl endpoint status -w json` over
 * every member's client URL, read by leaderOf (status.ts: the one reading of who leads, which the upgrade
 * uses too). Read-only, so it runs in check mode too; run it with `runOnce` and let the leader's tasks say
 * `when: c => isLeader(c.result(leader), ip)`. No leader
 * (the cluster did not answer, or the members disagree) is ETCD_UNHEALTHY, before any host is changed.
 */
import { defineModule, TsplayError } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { etcdctlArg, memberArg, tlsArgs } from '../schemas.js';
import { clientUrl, type EtcdMember } from '../unit.js';
import { etcdctl } from './probe.js';
import { failedEndpoints, leaderOf, parseEndpointStatus, type EndpointStatus } from './status.js';

export const leaderArgs = z.object({
  members: z.array(memberArg).min(1),
  ...etcdctlArg,
  ...tlsArgs,
});
export type LeaderArgs = z.output<typeof leaderArgs>;

export interface Leader {
  name: string;
  ip: string;
  /** Hex member ID. */
  memberId: string;
}

/** Pure: the leader among `members`, or why there is none. */
export function findLeader(statuses: readonly EndpointStatus[], members: readonly EtcdMember[]): Leader | string {
  const self = leaderOf(statuses);
  if (typeof self === 'string') return self;
  const m = members.find((x) => self.endpoint === clientUrl(x.ip));
  if (!m) return `the leader (${self.endpoint}) is not a member of the inventory group`;
  return { name: m.name, ip: m.ip, memberId: self.memberId };
}

/** Pure: the probe's output (stdout and stderr together) as statuses; a failed endpoint is just absent. */
export function parseLeaderProbe(out: string): { statuses: EndpointStatus[]; problems: string[] } {
  const problems = failedEndpoints(out).map((f) => `${f.endpoint}: ${f.error}`);
  try {
    return { statuses: parseEndpointStatus(out), problems };
  } catch (e) {
    return { statuses: [], problems: [...problems, (e as Error).message] };
  }
}

/** True when `ip` is the leader a `etcd-leader` task found. */
export const isLeader = (r: { data?: Leader | undefined } | undefined, ip: string): boolean => r?.data?.ip === ip;

export const etcdLeader = defineModule({
  name: 'etcd-leader',
  args: leaderArgs,
  facts: (a) => ({
    probe: commandFact(
      `etcd-leader:${a.members.map((m) => m.ip).join(',')}`,
      `${etcdctl({ ...a, endpoints: a.members.map((m) => clientUrl(m.ip)) }, ['endpoint', 'status', '-w', 'json'])} 2>&1`,
      (r) => parseLeaderProbe(r.stdout),
      { become: true },
    ),
  }),
  plan: (f, a, ctx) => {
    const l = findLeader(f.probe.statuses, a.members);
    if (typeof l === 'string') {
      throw new TsplayError('ETCD_UNHEALTHY', `no etcd leader to take the snapshot from: ${[l, ...f.probe.problems].join('; ')}`, {
        host: ctx.host,
        hint: 'etcdctl endpoint status --cluster on a member; no host was changed',
      });
    }
    return { changed: false, summary: `the leader is ${l.name} (${l.memberId})`, data: l };
  },
  resultFromPlan: (p): Leader | undefined => p.data,
});

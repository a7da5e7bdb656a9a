/**
 * Pure judges of the maintenance playbooks (etcd-defrag.ts, etcd-recover-space.ts), fed parsed etcdctl output:
 * - `parseDbUsage`: dbSize and dbSizeInUse per endpoint from `endpoint status -w json` (3.4+);
 * - `judgeDefrag`: defragment a member when enough of its file is reclaimable (or when forced);
 * - `judgeMaintenance`: the preflight verdict (every inventory member in the cluster and answering, healthy,
 *   one leader; alarms refused for a defrag, a NOSPACE alarm expected by the recovery).
 */
import type { EndpointHealth } from '../members.js';
import { peerUrl, type EtcdMember } from '../unit.js';
import { judgeHealthy, type Refusal } from './checks.js';
import type { ProbeResult } from './probe.js';
import { ipOfUrl } from './upgrade-judge.js';

export interface DbUsage {
  endpoint: string;
  /** The backend file's size (bytes). */
  dbSize: number;
  /** Bytes of it holding data (the rest is free pages a defrag gives back); undefined before etcd 3.4. */
  dbSizeInUse: number | undefined;
}

/** `etcdctl endpoint status -w json` (zap log lines and error lines around the JSON are skipped). */
export function parseDbUsage(text: string): DbUsage[] {
  const line = text.split('\n').find((l) => l.startsWith('[{'));
  if (!line) throw new Error(`not an endpoint status report: ${text.trim().slice(0, 200) || '(empty output)'}`);
  const doc = JSON.parse(line) as { Endpoint?: string; Status?: { dbSize?: unknown; dbSizeInUse?: unknown } }[];
  const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return doc.map((e) => ({ endpoint: String(e.Endpoint ?? ''), dbSize: n(e.Status?.dbSize) ?? 0, dbSizeInUse: n(e.Status?.dbSizeInUse) }));
}

export interface DefragPolicy {
  /** Defragment when at least this share of the file is reclaimable (0.2 = 20 %). */
  threshold: number;
  /** ... and at least this many bytes are. */
  minBytes: number;
  /** Defragment whatever the figures say (the NOSPACE recovery). */
  force: boolean;
}

export interface DefragNeed {
  need: boolean;
  reason: string;
  dbSize: number;
  reclaimable: number | undefined;
}

export const mib = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;

/** Pure: defragment this member? */
export function judgeDefrag(u: DbUsage, p: DefragPolicy): DefragNeed {
  const reclaimable = u.dbSizeInUse === undefined ? undefined : Math.max(0, u.dbSize - u.dbSizeInUse);
  const share = reclaimable === undefined || u.dbSize === 0 ? 0 : reclaimable / u.dbSize;
  const figures =
    reclaimable === undefined
      ? `db ${mib(u.dbSize)}, size in use unknown`
      : `${mib(reclaimable)} of ${mib(u.dbSize)} reclaimable (${Math.round(share * 100)} %)`;
  const base = { dbSize: u.dbSize, reclaimable };
  if (p.force) return { ...base, need: true, reason: `${figures}; forced (NOSPACE recovery)` };
  if (reclaimable === undefined) return { ...base, need: false, reason: `${figures} (etcd older than 3.4?): not defragmented` };
  if (share < p.threshold) return { ...base, need: false, reason: `${figures}: below the threshold of ${Math.round(p.threshold * 100)} %` };
  if (reclaimable < p.minBytes) return { ...base, need: false, reason: `${figures}: less than the minimum of ${mib(p.minBytes)}` };
  return { ...base, need: true, reason: figures };
}

/** Unhealthy only because of the NOSPACE alarm (etcdctl 3.5's `endpoint health` says `Active Alarm(s): NOSPACE`): serving reads. */
export const nospaceOnly = (h: EndpointHealth): boolean =>
  !h.health && /alarm.*NOSPACE/i.test(h.error ?? '') && !/CORRUPT/i.test(h.error ?? '');

export interface MaintenanceRun {
  /** The leader's internal IP when the preflight ran (it goes last). */
  leaderIp: string;
  /** A NOSPACE alarm is raised (the recovery compacts and defragments every member). */
  nospace: boolean;
}

const unknownMember = (message: string): Refusal => ({
  code: 'ETCD_UNKNOWN_MEMBER',
  message,
  hint: 'run it on the cluster the inventory describes: join or remove members first (etcd-add-member.ts, etcd-remove-member.ts); no host was changed',
});

/** Pure: may the defrag (`op: defrag`) or the NOSPACE recovery (`op: recover`) run, and who leads? */
export function judgeMaintenance(p: ProbeResult, target: readonly EtcdMember[], op: 'defrag' | 'recover'): Refusal | MaintenanceRun {
  if (p.absent) return unknownMember('this host has no etcdctl and certificates: it is not a member');
  const v = p.view;
  if (v.members.length === 0)
    return { code: 'ETCD_UNHEALTHY', message: `the cluster did not answer: ${p.problems.join('; ') || 'no member list'}` };
  const missing = target.filter((t) => !v.members.some((m) => m.peerUrls.includes(peerUrl(t.ip))));
  const foreign = v.members.filter((m) => !target.some((t) => m.peerUrls.includes(peerUrl(t.ip))));
  if (missing.length > 0 || foreign.length > 0) {
    return unknownMember(
      `the inventory and the cluster differ: ${[...missing.map((t) => `${t.name} is no member`), ...foreign.map((m) => `member ${m.name || m.id} is not in the inventory`)].join(', ')}`,
    );
  }
  const silent = v.members.filter((m) => !v.status.some((s) => s.memberId === m.id));
  if (silent.length > 0) {
    return {
      code: 'ETCD_UNHEALTHY',
      message: `no status from ${silent.map((m) => m.name || m.id).join(', ')}${p.problems.length ? ` (${p.problems.join('; ')})` : ''}`,
      hint: 'fix the member first; no host was changed',
    };
  }
  const nospace = v.alarms.some((a) => a.alarm === 'NOSPACE');
  // the recovery is for NOSPACE: any other alarm (CORRUPT) is still refused
  const forRecovery = {
    ...v,
    alarms: v.alarms.filter((a) => a.alarm !== 'NOSPACE'),
    health: v.health.map((h) => (nospaceOnly(h) ? { ...h, health: true } : h)),
  };
  const refusal = judgeHealthy(op === 'recover' ? forRecovery : v);
  if (refusal) return refusal;
  const leaderIp = ipOfUrl(v.status.find((s) => s.memberId !== '' && s.memberId === s.leader)?.endpoint ?? '');
  return { leaderIp, nospace };
}

/**
 * Both availability probes at once, behind one start/stop: the gateway writer (writer.ts, fails over within
 * its budget) and the clientv3 writer (writer-etcdctl.ts, etcdctl with all endpoints, no retry of a put).
 * Each writes under its own prefix (`<prefix>` and `<prefix minus its slash>-etcdctl/`), so each report's
 * successful keys can be counted in the cluster.
 */
import { labPaths } from '@tsplay/lab';
import { startEtcdctlWriter } from './writer-etcdctl.js';
import { startWriter, type WriterReport } from './writer.js';

export interface BothReports {
  gateway: WriterReport;
  /** With the failed puts' etcdctl errors, ms after the writer started (the evidence of what failed). */
  etcdctl: WriterReport & { errors: { atMs: number; tookMs: number; error: string }[] };
}

export interface BothWriters {
  stop(): Promise<BothReports>;
  /** The etcdctl writer's key prefix. */
  etcdctlPrefix: string;
}

/** Start both writers against `endpoints` with the lab's client certificate. */
export function startBothWriters(endpoints: readonly string[], prefix: string): BothWriters {
  const p = labPaths();
  const o = { endpoints, caFile: p.caCert, certFile: p.cert, keyFile: p.key };
  const etcdctlPrefix = `${prefix.replace(/\/$/, '')}-etcdctl/`;
  const g = startWriter({ ...o, prefix });
  const e = startEtcdctlWriter({ ...o, prefix: etcdctlPrefix });
  return {
    etcdctlPrefix,
    async stop() {
      const [gateway, etcdctl] = await Promise.all([g.stop(), e.stop()]);
      const all = e.attempts();
      const t0 = all[0]?.startMs ?? 0;
      const errors = all.filter((a) => !a.ok).map((a) => ({ atMs: a.startMs - t0, tookMs: a.endMs - a.startMs, error: a.error ?? '' }));
      return { gateway, etcdctl: { ...etcdctl, errors } };
    },
  };
}

/**
 * The scale parts of a scaling section (bench/README.md, "Scale"): the first no-op run on the fresh lab, the
 * etcd-style files job (tsplay only: it has no Ansible twin), and a traced in-process run (execs per host,
 * the probe's and the other execs' durations, connect times) at the largest size.
 */
import type { Job, Paths, RunResult } from './measure.js';
import { timedRun } from './measure.js';
import type { Log } from './lab.js';
import type { ScaleJob } from './rounds.js';
import { traceRun } from './trace.js';

export const FILES_JOB = { tsplay: 'bench/playbooks/files.ts', ansible: '' } as const;
/** Tasks a first files run changes per host (2 directories, 3 copies, the unit, enable; /etc/hostname is as it is). */
export const FILES_CHANGED_PER_HOST = 7;

export interface ScaleRun extends RunResult {
  job: ScaleJob;
  /** fresh: the first run on the just-booted lab (creates everything, dials every host); rerun: nothing to change. */
  phase: 'fresh' | 'rerun';
  round: number;
}

/**
 * The files job on a fresh lab: one fresh run (must change FILES_CHANGED_PER_HOST per host), then `rounds` re-runs.
 * Runs and notes go into `out` as they come (a failure throws after its run was kept).
 */
export async function filesJob(
  hosts: number,
  rounds: number,
  forks: number,
  p: Paths,
  log: Log,
  out: { runs: ScaleRun[]; notes: string[] },
): Promise<void> {
  const job: Job = { ...FILES_JOB, forks };
  const { runs, notes } = out;
  const one = async (phase: ScaleRun['phase'], round: number) => {
    const r = await timedRun('tsplay', job, p);
    runs.push({ ...r, job: 'files', phase, round });
    if (r.code !== 0) throw new Error(`tsplay files ${phase} failed (exit ${r.code}):\n${r.tail}`);
    const want = phase === 'fresh' ? FILES_CHANGED_PER_HOST * hosts : 0;
    if (r.changed !== want) notes.push(`files ${phase} round ${round}: changed=${r.changed ?? '?'}, expected ${want}`);
    log(`  files h=${hosts} ${phase} r${round} ${r.seconds.toFixed(3)} s changed=${r.changed ?? '?'} cpu ${r.cpuS?.toFixed(1) ?? '?'} s`);
  };
  await one('fresh', 0);
  for (let round = 0; round < rounds; round++) await one('rerun', round);
}

export interface TraceSummary {
  hosts: number;
  wallMs: number;
  exitCode: number;
  /** exec round trips per host (median, max) */
  execsPerHost: [number, number];
  /** the first exec of each host (the batched fact probe): median, 90th percentile, max ms */
  probeMs: [number, number, number];
  /** every other exec: count, median, max ms */
  otherExecs: [number, number, number];
  /** connect (dial + handshake + auth, or the daemon's hand-over): median, max ms */
  connectMs: [number, number];
  /** the sum over hosts of their exec time, over the wall time: how many execs were in flight on average */
  execConcurrency: number;
}

const q = (xs: number[], f: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(f * (s.length - 1)))] as number) : NaN;
};

/** A traced in-process run of `playbook` (idempotent by then), summarized. */
export async function traceSummary(playbook: string, inventory: string, hosts: number, forks: number): Promise<TraceSummary> {
  const t = await traceRun(playbook, inventory, { forks });
  const byHost = new Map<string, number[]>();
  for (const e of [...t.execs].sort((a, b) => a.startMs - b.startMs)) byHost.set(e.host, [...(byHost.get(e.host) ?? []), e.ms]);
  const counts = [...byHost.values()].map((x) => x.length);
  const probes = [...byHost.values()].map((x) => x[0] as number);
  const others = [...byHost.values()].flatMap((x) => x.slice(1));
  const connect = Object.values(t.connectMs);
  return {
    hosts,
    wallMs: t.wallMs,
    exitCode: t.exitCode,
    execsPerHost: [q(counts, 0.5), Math.max(0, ...counts)],
    probeMs: [q(probes, 0.5), q(probes, 0.9), q(probes, 1)],
    otherExecs: [others.length, q(others, 0.5), q(others, 1)],
    connectMs: [q(connect, 0.5), q(connect, 1)],
    execConcurrency: t.execs.reduce((a, e) => a + e.ms, 0) / t.wallMs,
  };
}

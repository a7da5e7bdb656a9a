/**
 * Whose CPU a run spends: the machine's busy core-seconds over the run (/proc/stat, every process of the machine:
 * the lab hosts share its cores) against this process's own (an in-process run: the runner and its SSH client).
 * On the lab both runs are bound by the machine's cores, not by tsplay (bench/README.md, "Whose CPU").
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Busy and total core-seconds since boot from /proc/stat's `cpu` line (idle and iowait are not busy). */
export function parseProcStat(text: string, hz = 100): { busyS: number; totalS: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 5 || f.some((x) => !Number.isFinite(x))) throw new Error(`bad cpu line in /proc/stat: ${line}`);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busyS: (total - idle) / hz, totalS: total / hz };
}

export interface CpuShare {
  wallS: number;
  cores: number;
  /** Every process of the machine, over the run. */
  machineBusyCoreS: number;
  /** This process (the in-process run). */
  workstationCoreS: number;
  /** The rest: the lab hosts (sshd, sudo, shells, their programs, systemd, etcd), the lab's file server, the kernel. */
  othersCoreS: number;
  /** machineBusyCoreS / (cores x wallS): 1 means every core was busy for the whole run. */
  busyShare: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Runs `fn` and says whose CPU it spent. */
export async function cpuShare<T>(fn: () => Promise<T>): Promise<{ value: T; cpu: CpuShare }> {
  const read = () => parseProcStat(readFileSync('/proc/stat', 'utf8'));
  const m0 = read();
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallS = (performance.now() - t0) / 1000;
  const p = process.cpuUsage(p0);
  const m1 = read();
  const cores = cpus().length;
  const machine = m1.busyS - m0.busyS;
  const own = (p.user + p.system) / 1e6;
  return {
    value,
    cpu: {
      wallS: r2(wallS),
      cores,
      machineBusyCoreS: r2(machine),
      workstationCoreS: r2(own),
      othersCoreS: r2(Math.max(0, machine - own)),
      busyShare: r2(machine / (cores * wallS)),
    },
  };
}

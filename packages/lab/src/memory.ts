import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupPids, cgroupRoots, LAB_CGROUP } from './cgroups.js';

/** `Rss:` and `Pss:` (kB) of a /proc/PID/smaps_rollup text; 0 when absent. Pure. */
export function parseSmapsRollup(text: string): { rssKb: number; pssKb: number } {
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKb: field('Rss'), pssKb: field('Pss') };
}

/** `MemAvailable:` (kB) of a /proc/meminfo text. Pure. */
export function parseMemAvailable(text: string): number {
  return Number(/^MemAvailable:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
}

/** The machine's MemAvailable now, kB. */
export function memAvailableKb(): number {
  return parseMemAvailable(readFileSync('/proc/meminfo', 'utf8'));
}

export interface HostMemory {
  index: number;
  processes: number;
  /** Sum of the proportional set sizes of the host's processes (shared pages split among their users), kB. */
  pssKb: number;
  /** Sum of their resident sets (shared pages counted in full by each), kB. */
  rssKb: number;
}

/**
 * Memory of each lab host: the processes of its cgroup (supervisor, nspawn, the container's systemd, journald,
 * sshd, ...), from /proc/PID/smaps_rollup. This machine's memory controller is cgroup v1 outside the lab's
 * hierarchy, so per-container memory.current is not there; PSS counts what the host's processes map
 * (not kernel memory such as its network namespace or page cache: see MemAvailable for the whole).
 */
export function labHostMemory(hosts: readonly number[]): HostMemory[] {
  const root = cgroupRoots()[0] ?? '/sys/fs/cgroup';
  return hosts.map((index) => {
    const pids = cgroupPids(join(root, LAB_CGROUP, `h${index}`));
    let pssKb = 0;
    let rssKb = 0;
    let processes = 0;
    for (const pid of pids) {
      try {
        const m = parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
        pssKb += m.pssKb;
        rssKb += m.rssKb;
        processes += 1;
      } catch {
        /* exited meanwhile */
      }
    }
    return { index, processes, pssKb, rssKb };
  });
}

export interface LabMemorySummary {
  hosts: number;
  medianPssKb: number;
  sumPssKb: number;
  medianRssKb: number;
  /** How much MemAvailable fell from before to after (kB; page cache and kernel memory included). */
  availableDropKb: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : Math.round(((s[m - 1] as number) + (s[m] as number)) / 2);
};

/** Median and sum over the hosts. Pure. */
export function summarizeMemory(hosts: readonly HostMemory[], availableDropKb: number): LabMemorySummary {
  return {
    hosts: hosts.length,
    medianPssKb: median(hosts.map((h) => h.pssKb)),
    sumPssKb: hosts.reduce((a, h) => a + h.pssKb, 0),
    medianRssKb: median(hosts.map((h) => h.rssKb)),
    availableDropKb,
  };
}

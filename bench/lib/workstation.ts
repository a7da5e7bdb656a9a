/**
 * The workstation's side of a run at scale: the persist daemon (a detached process that holds the SSH
 * connections between runs) and the machine's CPU over the run. Read from /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fdCount } from './rss.js';
import { parseStat } from './rss.js';

const TICK_S = 0.01; // USER_HZ: 100 on Linux

/**
 * Pids of running `tsplay __persist-daemon` processes; with `cli`, only those of that CLI file (one checkout's).
 * One scan of /proc: call it outside timed spans.
 */
export function persistDaemons(cli?: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) > 57) continue; // not a digit
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (argv.includes('__persist-daemon') && (cli === undefined || argv.split('\0')[1] === cli)) out.push(Number(name));
    } catch {
      /* exited */
    }
  }
  return out;
}

/** One process's CPU time (s), peak RSS (VmHWM, kB) and open fds now; undefined once it exited. */
export function processFigures(pid: number): { cpuS: number; hwmKb: number; fds: number } | undefined {
  try {
    const st = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (!st) return undefined;
    return { cpuS: st.cpuTicks * TICK_S, hwmKb: Number(hwm ?? 0), fds: fdCount(pid) };
  } catch {
    return undefined;
  }
}

/** The aggregate `cpu` line of /proc/stat as [busy, total] ticks (idle and iowait are not busy). Pure. */
export function parseCpuLine(text: string): [number, number] {
  const f = (text.split('\n').find((l) => l.startsWith('cpu ')) ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
  return [total - (f[3] ?? 0) - (f[4] ?? 0), total];
}

/** The machine's CPU from now to stop(): busy core-seconds and the busy fraction of all cores. */
export function machineCpu(): { stop: () => { busyS: number; busyFraction: number } } {
  const read = () => parseCpuLine(readFileSync('/proc/stat', 'utf8'));
  const [b0, t0] = read();
  return {
    stop: () => {
      const [b1, t1] = read();
      return { busyS: (b1 - b0) * TICK_S, busyFraction: t1 > t0 ? (b1 - b0) / (t1 - t0) : 0 };
    },
  };
}

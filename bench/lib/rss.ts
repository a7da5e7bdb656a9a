/** Peak memory of a tool's process tree while it runs: /proc sampled, for tools that fork (Ansible). */
import { readdirSync, readFileSync } from 'node:fs';

/** ppid, RSS (pages) and CPU time (user + system, clock ticks) from a /proc/PID/stat text (fields after the command name's last ')'). Pure. */
export function parseStat(text: string): { ppid: number; rssPages: number; cpuTicks: number } | undefined {
  const i = text.lastIndexOf(')');
  if (i < 0) return undefined;
  const f = text.slice(i + 2).split(' ');
  // f[0] = state (field 3), f[1] = ppid (4), f[11] = utime (14), f[12] = stime (15), f[21] = rss (24)
  const ppid = Number(f[1]);
  const rssPages = Number(f[21]);
  const cpuTicks = Number(f[11]) + Number(f[12]);
  return Number.isFinite(ppid) && Number.isFinite(rssPages) && Number.isFinite(cpuTicks) ? { ppid, rssPages, cpuTicks } : undefined;
}

/** The descendants of `root` (root excluded), given each process's children. Pure. */
export function walkTree(root: number, childrenOf: (pid: number) => number[]): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const c of childrenOf(stack.pop() as number)) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** A process's children, from /proc/PID/task/TID/children of each of its threads ([] once it exited). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`))
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
  } catch {
    /* exited */
  }
  return out;
}

/** The descendants of `root` (no scan of every process: the machine may run 10,000 lab processes). */
export const descendants = (root: number): number[] => walkTree(root, childrenOf);

/** Open file descriptors of a process (sockets included), or 0 when it is gone. */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Peaks of a process tree while a tool runs: RSS sum (kB), open fds summed over the tree, processes in it. */
export interface TreePeaks {
  rssKb: number;
  fds: number;
  procs: number;
}

function sample(root: number): TreePeaks {
  let rssKb = 0;
  let fds = 0;
  const pids = descendants(root);
  for (const pid of pids) {
    try {
      rssKb += (parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.rssPages ?? 0) * 4;
    } catch {
      /* exited */
    }
    fds += fdCount(pid);
  }
  return { rssKb, fds, procs: pids.length };
}

/**
 * Sample `root`'s descendants every `everyMs` until stop(); stop() returns the peaks. Only the tree is read
 * (through the children lists), so the sampler costs the same with 3 or 1,000 lab hosts on the machine.
 * Sums count shared pages once per process (an upper bound for forked workers).
 */
export function sampleTree(root: number, everyMs = 500): { stop: () => TreePeaks } {
  const peak: TreePeaks = { rssKb: 0, fds: 0, procs: 0 };
  const tick = (): void => {
    const s = sample(root);
    peak.rssKb = Math.max(peak.rssKb, s.rssKb);
    peak.fds = Math.max(peak.fds, s.fds);
    peak.procs = Math.max(peak.procs, s.procs);
  };
  const first = setTimeout(tick, 200);
  const timer = setInterval(tick, everyMs);
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
      return peak;
    },
  };
}

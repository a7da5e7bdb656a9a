/** Peak memory of a tool's process tree while it runs: /proc sampled, for tools that fork (Ansible). */
import { readdirSync, readFileSync } from 'node:fs';

/** ppid and RSS (pages) from a /proc/PID/stat text (fields after the command name's last ')'). Pure. */
export function parseStat(text: string): { ppid: number; rssPages: number } | undefined {
  const i = text.lastIndexOf(')');
  if (i < 0) return undefined;
  const f = text.slice(i + 2).split(' ');
  // f[0] = state (field 3), f[1] = ppid (4), f[21] = rss (24)
  const ppid = Number(f[1]);
  const rssPages = Number(f[21]);
  return Number.isFinite(ppid) && Number.isFinite(rssPages) ? { ppid, rssPages } : undefined;
}

/** Sum of the RSS (kB) of `root`'s descendants, `root` itself excluded, given every process's ppid and RSS. Pure. */
export function treeRssKb(procs: ReadonlyMap<number, { ppid: number; rssPages: number }>, root: number, pageKb = 4): number {
  const children = new Map<number, number[]>();
  for (const [pid, p] of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  let sum = 0;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    sum += (procs.get(pid)?.rssPages ?? 0) * pageKb;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum;
}

function snapshot(): Map<number, { ppid: number; rssPages: number }> {
  const out = new Map<number, { ppid: number; rssPages: number }>();
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) > 57) continue; // not a digit
    try {
      const s = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (s) out.set(Number(name), s);
    } catch {
      /* exited */
    }
  }
  return out;
}

/**
 * Sample the RSS sum of `root`'s descendants every `everyMs` until stop(); stop() returns the peak (kB).
 * Sums count shared pages once per process (an upper bound for forked workers).
 */
export function sampleTree(root: number, everyMs = 500): { stop: () => number } {
  let peak = 0;
  const tick = (): void => {
    peak = Math.max(peak, treeRssKb(snapshot(), root));
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

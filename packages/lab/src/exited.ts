import { readFileSync } from 'node:fs';

/** A process as seen at one moment: its pid and its start time (clock ticks since boot), so a reused pid is not mistaken for it. */
export interface ProcSnapshot {
  pid: number;
  start: string;
}

/** State letter and start time from /proc/PID/stat (the command name may hold spaces and parens: read after the last `)`). */
function statOf(pid: number): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // after the comm: state is field 3 of stat, starttime field 22 -> indexes 0 and 19 here
    return { state: fields[0] ?? '?', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

export function snapshot(pids: readonly number[]): ProcSnapshot[] {
  const out: ProcSnapshot[] = [];
  for (const pid of new Set(pids)) {
    const s = statOf(pid);
    if (s) out.push({ pid, start: s.start });
  }
  return out;
}

/**
 * Has this process finished exiting? Gone, replaced by another process with the same pid, or a zombie
 * (do_exit is over: memory, files and namespaces are released; only the parent's wait is missing). A
 * killed process drops out of its cgroup's `cgroup.procs` as soon as it starts exiting, before that.
 */
export function hasExited(p: ProcSnapshot): boolean {
  const s = statOf(p.pid);
  return !s || s.start !== p.start || s.state === 'Z' || s.state === 'X';
}

/** The processes of a snapshot that are still running or still exiting. */
export function stillRunning(snap: readonly ProcSnapshot[]): ProcSnapshot[] {
  return snap.filter((p) => !hasExited(p));
}

/** Pure summary of a writer's attempts (see writer.ts). */

export interface WriteAttempt {
  seq: number;
  startMs: number;
  endMs: number;
  ok: boolean;
  /** The endpoint of the last try of this write. */
  endpoint: string;
}

export interface WriterReport {
  writes: number;
  failed: number;
  /**
   * The longest run of consecutive failed writes, in seconds: from the start of its first write to the start
   * of the next successful write (or the end of its last write when none followed). 0 when none failed.
   */
  longestFailureRunS: number;
  /** Failed writes in that run. */
  longestFailureRunWrites: number;
  /** Sequence numbers of the successful writes (their keys must be in the cluster afterwards). */
  okSeqs: number[];
  durationS: number;
}

export function summarizeWrites(log: readonly WriteAttempt[]): WriterReport {
  let longest = 0;
  let longestWrites = 0;
  for (let i = 0; i < log.length; i++) {
    const first = log[i];
    if (!first || first.ok) continue;
    let j = i;
    while (j + 1 < log.length && log[j + 1]?.ok === false) j++;
    const next = log[j + 1];
    const end = next ? next.startMs : (log[j]?.endMs ?? first.endMs);
    const run = (end - first.startMs) / 1000;
    if (run > longest) {
      longest = run;
      longestWrites = j - i + 1;
    }
    i = j;
  }
  const head = log[0];
  const tail = log.at(-1);
  return {
    writes: log.length,
    failed: log.filter((a) => !a.ok).length,
    longestFailureRunS: Math.round(longest * 1000) / 1000,
    longestFailureRunWrites: longestWrites,
    okSeqs: log.filter((a) => a.ok).map((a) => a.seq),
    durationS: head && tail ? (tail.endMs - head.startMs) / 1000 : 0,
  };
}

/** The phases of a tsplay run from the arrival times of its NDJSON events (--json) on the parent's clock. */

export interface RunPhases {
  /** ms from spawn to `run.start` (node start, imports, playbook and inventory load, planning) */
  runStart: number;
  /** ms from spawn to the first and the last `connect` event */
  firstConnect: number;
  lastConnect: number;
  /** `connect` events, and the median and largest durationMs they report (dial + handshake + auth, or a hand-over from the daemon) */
  connects: number;
  connectMedianMs: number;
  connectMaxMs: number;
  /** ms from spawn to the first `task.start` (after the batched fact probe of the first hosts) and to the `recap` */
  firstTask: number;
  recap: number;
  /** task.result events seen */
  results: number;
}

/** Feed it stdout chunks with their arrival time (ms since spawn); `phases()` at the end. Lines that are not JSON are skipped. */
export function eventClock(): { push: (chunk: string, ms: number) => void; phases: () => RunPhases | undefined } {
  let buf = '';
  const at: Partial<Record<'runStart' | 'firstConnect' | 'lastConnect' | 'firstTask' | 'recap', number>> = {};
  const durations: number[] = [];
  let results = 0;
  const line = (l: string, ms: number): void => {
    const type = /^\{"type":"([a-z.]+)"/.exec(l)?.[1];
    if (type === 'run.start') at.runStart ??= ms;
    else if (type === 'connect') {
      at.firstConnect ??= ms;
      at.lastConnect = ms;
      durations.push(Number(/"durationMs":(\d+)/.exec(l)?.[1] ?? NaN));
    } else if (type === 'task.start') at.firstTask ??= ms;
    else if (type === 'task.result') results++;
    else if (type === 'recap') at.recap ??= ms;
  };
  return {
    push: (chunk, ms) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        line(buf.slice(0, i), ms);
        buf = buf.slice(i + 1);
      }
    },
    phases: () => {
      if (at.runStart === undefined || at.recap === undefined) return undefined;
      const d = durations.filter(Number.isFinite).sort((a, b) => a - b);
      return {
        runStart: at.runStart,
        firstConnect: at.firstConnect ?? NaN,
        lastConnect: at.lastConnect ?? NaN,
        connects: durations.length,
        connectMedianMs: d.length ? (d[Math.floor((d.length - 1) / 2)] as number) : NaN,
        connectMaxMs: d.length ? (d.at(-1) as number) : NaN,
        firstTask: at.firstTask ?? NaN,
        recap: at.recap,
        results,
      };
    },
  };
}

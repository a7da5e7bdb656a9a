/** Parsing `journalctl -o short-unix` of a unit: when each (re)start began and ended. */

export interface Window {
  from: number;
  to: number;
}

/** Start windows ("Starting" .. "Started") after `since` (unix seconds), from one host's journal. */
export function restartWindows(journal: string, since: number): Window[] {
  const out: Window[] = [];
  let open: number | undefined;
  for (const line of journal.split('\n')) {
    const m = /^(\d+\.\d+)\s+\S+\s+\S+:\s+(Starting|Started)\b/.exec(line);
    if (!m) continue;
    const t = Number(m[1]);
    if (t < since) continue;
    if (m[2] === 'Starting') open = t;
    else if (open !== undefined) {
      out.push({ from: open, to: t });
      open = undefined;
    }
  }
  return out;
}

/** The largest number of windows open at one instant. */
export function overlapOf(ws: readonly Window[]): number {
  const edges = ws.flatMap(
    (w) =>
      [
        [w.from, 1],
        [w.to, -1],
      ] as [number, number][],
  );
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (cur += d));
  return max;
}

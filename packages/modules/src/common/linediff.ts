/**
 * A small pure line diff (LCS) for --diff output of file contents.
 * Used by copy/template plans (line counts in the summary) and by reporters (`unifiedDiff`).
 */
export type DiffOp = { op: ' ' | '-' | '+'; line: string };

/** Above this many cells (lines before x lines after) the diff is "everything replaced". */
const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line operations turning `before` into `after`, in order. */
export function lineDiff(before: string, after: string): DiffOp[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // Common prefix and suffix first: most edits are small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffOp[] = a.slice(0, start).map((line) => ({ op: ' ', line }));
  const tail: DiffOp[] = a.slice(endA).map((line) => ({ op: ' ', line }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  return [...head, ...lcsOps(midA, midB), ...tail];
}

function lcsOps(a: string[], b: string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_CELLS) {
    return [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];
  }
  // len[i][j] = LCS length of a[i..] and b[j..], flattened.
  const w = m + 1;
  const len = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i * w + j] = a[i] === b[j] ? (len[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(len[(i + 1) * w + j] ?? 0, len[i * w + j + 1] ?? 0);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i] as string });
      i++;
      j++;
    } else if ((len[(i + 1) * w + j] ?? 0) >= (len[i * w + j + 1] ?? 0)) {
      ops.push({ op: '-', line: a[i] as string });
      i++;
    } else {
      ops.push({ op: '+', line: b[j] as string });
      j++;
    }
  }
  while (i < n) ops.push({ op: '-', line: a[i++] as string });
  while (j < m) ops.push({ op: '+', line: b[j++] as string });
  return ops;
}

/** How many lines are added and removed. */
export function diffStat(before: string, after: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const o of lineDiff(before, after)) {
    if (o.op === '+') added++;
    else if (o.op === '-') removed++;
  }
  return { added, removed };
}

/** A unified diff (`--- a`, `+++ b`, `@@` hunks with `context` lines around changes); '' when equal. */
export function unifiedDiff(before: string, after: string, opts: { path?: string | undefined; context?: number } = {}): string {
  const ops = lineDiff(before, after);
  if (!ops.some((o) => o.op !== ' ')) return '';
  const ctx = opts.context ?? 3;
  const name = opts.path ?? 'file';
  const out = [`--- ${name} (before)`, `+++ ${name} (after)`];
  // Mark which ops are shown: changes and `ctx` lines around them.
  const show = ops.map(() => false);
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    for (let d = Math.max(0, k - ctx); d <= Math.min(ops.length - 1, k + ctx); d++) show[d] = true;
  });
  let k = 0;
  let lineA = 1;
  let lineB = 1;
  while (k < ops.length) {
    if (!show[k]) {
      const o = ops[k] as DiffOp;
      if (o.op !== '+') lineA++;
      if (o.op !== '-') lineB++;
      k++;
      continue;
    }
    const hunk: string[] = [];
    const startA = lineA;
    const startB = lineB;
    let countA = 0;
    let countB = 0;
    while (k < ops.length && show[k]) {
      const o = ops[k] as DiffOp;
      hunk.push(`${o.op}${o.line}`);
      if (o.op !== '+') {
        countA++;
        lineA++;
      }
      if (o.op !== '-') {
        countB++;
        lineB++;
      }
      k++;
    }
    out.push(`@@ -${countA === 0 ? startA - 1 : startA},${countA} +${countB === 0 ? startB - 1 : startB},${countB} @@`, ...hunk);
  }
  return out.join('\n');
}

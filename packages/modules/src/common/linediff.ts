import { createRequire } from 'node:module';
import type * as Jsdiff from 'diff';

/**
 * Line diffs for --diff output and plan summaries, computed by jsdiff (`diff`, Myers' algorithm).
 * jsdiff is loaded on first use only (a synchronous require of its CommonJS build), so a run that
 * renders no diff and plans no content change never loads it.
 */
export type DiffOp = { op: ' ' | '-' | '+'; line: string };

let jsdiff: typeof Jsdiff | undefined;
function lib(): typeof Jsdiff {
  jsdiff ??= createRequire(import.meta.url)('diff') as typeof Jsdiff;
  return jsdiff;
}

/** True once jsdiff has been loaded in this process (for the test that it loads lazily). */
export function diffLoaded(): boolean {
  return jsdiff !== undefined;
}

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line operations turning `before` into `after`, in order (a missing final newline counts as a change). */
export function lineDiff(before: string, after: string): DiffOp[] {
  if (before === after) return splitLines(before).map((line) => ({ op: ' ', line }));
  const ops: DiffOp[] = [];
  for (const c of lib().diffLines(before, after)) {
    const op = c.added ? '+' : c.removed ? '-' : ' ';
    for (const line of splitLines(c.value)) ops.push({ op, line });
  }
  return ops;
}

/** How many lines are added and removed. */
export function diffStat(before: string, after: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  if (before === after) return { added, removed };
  for (const c of lib().diffLines(before, after)) {
    if (c.added) added += c.count;
    else if (c.removed) removed += c.count;
  }
  return { added, removed };
}

/**
 * A unified diff (`--- a (before)`, `+++ a (after)`, `@@` hunks with `context` lines around changes,
 * `\ No newline at end of file` where a side lacks its final newline); '' when equal.
 */
export function unifiedDiff(before: string, after: string, opts: { path?: string | undefined; context?: number } = {}): string {
  if (before === after) return '';
  const name = opts.path ?? 'file';
  const patch = lib().structuredPatch(name, name, before, after, undefined, undefined, { context: opts.context ?? 3 });
  const out = [`--- ${name} (before)`, `+++ ${name} (after)`];
  for (const h of patch.hunks) {
    // GNU diff numbers an empty side from the line before it (`-0,0` for an empty file).
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out.push(`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`, ...h.lines);
  }
  return out.join('\n');
}

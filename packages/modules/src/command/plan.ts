import { argv as shArgv, type PathState, type Plan } from '@tsplay/core';
import type { ParsedCommandArgs } from './args.js';

export function commandLine(a: ParsedCommandArgs): string {
  return a.argv ? shArgv(a.argv) : (a.cmd as string);
}

/** Pure: skipped by creates/removes, a probe (readOnly), or "would run" (what it makes is unknown to later tasks). */
export function planCommand(facts: Record<string, PathState | undefined>, a: ParsedCommandArgs): Plan {
  const line = commandLine(a);
  if (a.creates && facts.creates?.exists) return { changed: false, skipped: `${a.creates} exists` };
  if (a.removes && facts.removes && !facts.removes.exists) return { changed: false, skipped: `${a.removes} does not exist` };
  if (a.readOnly) return { changed: false, run: true, summary: `probe: ${line}` };
  const unknown = [a.creates, a.removes].filter((p): p is string => p !== undefined);
  return { changed: true, run: true, summary: `would run: ${line}`, predict: { unknown } };
}

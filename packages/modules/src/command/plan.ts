import type { Plan } from '../kit/index.js';
import { commandLine } from './line.js';
import type { CommandResult, ParsedCommandArgs } from './args.js';
import type { CommandFacts } from './facts.js';

/** Did this run fail (`failedWhen`, else a non-zero exit)? */
export function runFailed(a: ParsedCommandArgs, r: CommandResult): boolean {
  return a.failedWhen ? a.failedWhen(r) : r.code !== 0;
}

/** Does this run of a probe settle the task: not failed, `until` holds, and not a change? */
export function probeSettled(a: ParsedCommandArgs, r: CommandResult): boolean {
  const failed = runFailed(a, r);
  if (failed || (a.until && !a.until(r))) return false;
  return !(a.changedWhen?.(r) ?? false);
}

/**
 * Pure: skipped by creates/removes, a probe (readOnly), or "would run" (what it makes is unknown to
 * later tasks). A probe already answered by the batched facts needs no apply; one that failed (or
 * whose `until` does not hold yet) runs again in apply, with its retries, and reports from there.
 */
export function planCommand(facts: CommandFacts, a: ParsedCommandArgs): Plan<CommandResult> {
  const line = commandLine(a);
  if (a.creates && facts.creates?.exists) return { changed: false, skipped: `${a.creates} exists` };
  if (a.removes && facts.removes && !facts.removes.exists) return { changed: false, skipped: `${a.removes} does not exist` };
  if (a.readOnly) {
    const r = facts.run;
    if (r && probeSettled(a, r))
      return {
        changed: false,
        summary: `probe: ${line}`,
        data: { code: r.code, stdout: r.stdout, stderr: r.stderr },
        stdout: r.stdout,
        stderr: r.stderr,
      };
    return { changed: false, run: true, summary: `probe: ${line}` };
  }
  const unknown = [a.creates, a.removes].filter((p): p is string => p !== undefined);
  return { changed: true, run: true, summary: `would run: ${line}`, predict: { unknown } };
}

import type { RunEvent } from '@tsplay/core';

/** `--json`: one event per line (NDJSON). Events are already redacted by the runner. */
export function jsonReporter(write: (s: string) => void = (s) => process.stdout.write(s)): (e: RunEvent) => void {
  return (e) => write(`${JSON.stringify(e)}\n`);
}

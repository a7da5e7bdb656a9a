import type { ExecResult } from './connection.js';
import type { ApplyStep } from './module.js';
import { framed, splitFramed } from './batch.js';

const byteLength = (s: string | Buffer | undefined) => (s === undefined ? 0 : typeof s === 'string' ? Buffer.byteLength(s) : s.length);

/**
 * One script running steps in order, each in its own subshell: its stdout straight out between markers, its
 * stderr captured, its exit code after them (the fact probe's framing, see batch.ts). A step with stdin reads
 * exactly its bytes of the exec's stdin (`head -c` reads no further); the others read nothing. The first
 * step that exits non-zero ends the script.
 */
export function stepsScript(steps: readonly Pick<ApplyStep, 'script' | 'stdin'>[], nonce: string): string {
  const parts = ['exec 3>&1'];
  steps.forEach((s, i) => {
    const n = byteLength(s.stdin);
    const body = n > 0 ? `head -c ${n} | (\n${s.script}\n)\n` : `(\n${s.script}\n) </dev/null\n`;
    parts.push(...framed(i, body, '', nonce), `[ "$__c" -eq 0 ] || exit 0`);
  });
  return parts.join('\n');
}

/** The stdin of `stepsScript`: every step's bytes, in order. */
export function stepsStdin(steps: readonly Pick<ApplyStep, 'stdin'>[]): Buffer | undefined {
  const parts = steps
    .filter((s) => byteLength(s.stdin) > 0)
    .map((s) => (typeof s.stdin === 'string' ? Buffer.from(s.stdin) : (s.stdin as Buffer)));
  return parts.length > 0 ? Buffer.concat(parts) : undefined;
}

/** The results of the steps that ran (a prefix of them: none after the first that failed, or after the shell stopped). */
export const splitSteps: (stdout: string, count: number, nonce: string) => ExecResult[] = splitFramed;

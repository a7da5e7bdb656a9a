import type { ExecResult } from './connection.js';
import type { ApplyStep } from './module.js';

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
    const run = n > 0 ? `head -c ${n} | (\n${s.script}\n)` : `(\n${s.script}\n) </dev/null`;
    parts.push(
      `printf '%s O ${i}\\n' ${nonce}`,
      `__r=$(exec 2>&1 1>&3 3>&-; trap 'printf %s ${nonce} >&2' EXIT\n${run}\n); __c=$?; __e=\${__r%${nonce}}`,
      `printf '\\n%s E ${i}\\n%s\\n%s C ${i} %d\\n' ${nonce} "$__e" ${nonce} "$__c"`,
      `[ "$__c" -eq 0 ] || exit 0`,
    );
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
export function splitSteps(stdout: string, count: number, nonce: string): ExecResult[] {
  const out: ExecResult[] = [];
  for (let i = 0; i < count; i++) {
    const o = stdout.indexOf(`${nonce} O ${i}\n`);
    const e = o < 0 ? -1 : stdout.indexOf(`\n${nonce} E ${i}\n`, o);
    const c = e < 0 ? -1 : stdout.indexOf(`\n${nonce} C ${i} `, e);
    if (c < 0) break;
    const from = c + `\n${nonce} C ${i} `.length;
    const end = stdout.indexOf('\n', from);
    out.push({
      stdout: stdout.slice(o + `${nonce} O ${i}\n`.length, e),
      stderr: stdout.slice(e + `\n${nonce} E ${i}\n`.length, c),
      code: Number(stdout.slice(from, end < 0 ? undefined : end)),
    });
  }
  return out;
}

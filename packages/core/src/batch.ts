import type { ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import type { FactQuery } from './facts.js';

/**
 * Builds one script that runs many facts and prints their outputs between markers. A fact runs in one
 * subshell (the command substitution that captures it: one fork per fact): its stdout goes straight out
 * (fd 3), its stderr is captured in a variable and its exit code is the substitution's, so the probe
 * writes nothing on the host (no temp file: even a directory's mtime stays as it was). The EXIT trap ends
 * the captured stderr with the nonce, so trailing newlines survive the substitution (a fact that sets its
 * own EXIT trap loses only those).
 */
export function batchScript(facts: readonly FactQuery[], nonce: string): string {
  return ['exec 3>&1', ...facts.flatMap((f, i) => framed(i, `${f.script}\n`, ' </dev/null', nonce))].join('\n');
}

/**
 * The lines that run script `i` of a framed batch (the probe's facts, the steps of an apply) in the command
 * substitution that captures its stderr, and print its stdout, stderr and exit code between markers.
 */
export function framed(i: number, body: string, redirect: string, nonce: string): string[] {
  return [
    `printf '%s O ${i}\\n' ${nonce}`,
    `__r=$(exec 2>&1 1>&3 3>&-${redirect}; trap 'printf %s ${nonce} >&2' EXIT\n${body}); __c=$?; __e=\${__r%${nonce}}`,
    `printf '\\n%s E ${i}\\n%s\\n%s C ${i} %d\\n' ${nonce} "$__e" ${nonce} "$__c"`,
  ];
}

/** Splits the output of `batchScript` back into one ExecResult per fact. */
export function splitBatch(stdout: string, count: number, nonce: string): ExecResult[] {
  const results = splitFramed(stdout, count, nonce);
  if (results.length < count) {
    throw new TsplayError('FACT_FAILED', `fact probe output is incomplete (fact ${results.length} of ${count})`, {
      hint: 'the remote shell stopped early; run with -v to see its stderr',
    });
  }
  return results;
}

/** The results of a framed batch's scripts, in order, up to the first whose frame is not complete. */
export function splitFramed(stdout: string, count: number, nonce: string): ExecResult[] {
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

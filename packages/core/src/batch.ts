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
  const parts = ['exec 3>&1'];
  facts.forEach((f, i) => {
    parts.push(
      `printf '%s O ${i}\\n' ${nonce}`,
      `__r=$(exec 2>&1 1>&3 3>&- </dev/null; trap 'printf %s ${nonce} >&2' EXIT\n${f.script}\n); __c=$?; __e=\${__r%${nonce}}`,
      `printf '\\n%s E ${i}\\n%s\\n%s C ${i} %d\\n' ${nonce} "$__e" ${nonce} "$__c"`,
    );
  });
  return parts.join('\n');
}

/** Splits the output of `batchScript` back into one ExecResult per fact. */
export function splitBatch(stdout: string, count: number, nonce: string): ExecResult[] {
  const results: ExecResult[] = [];
  for (let i = 0; i < count; i++) {
    const o = stdout.indexOf(`${nonce} O ${i}\n`);
    const e = stdout.indexOf(`\n${nonce} E ${i}\n`, o);
    const c = stdout.indexOf(`\n${nonce} C ${i} `, e);
    if (o < 0 || e < 0 || c < 0) {
      throw new TsplayError('FACT_FAILED', `fact probe output is incomplete (fact ${i} of ${count})`, {
        hint: 'the remote shell stopped early; run with -v to see its stderr',
      });
    }
    const codeEnd = stdout.indexOf('\n', c + 1 + nonce.length + 3);
    const code = Number(stdout.slice(c + `\n${nonce} C ${i} `.length, codeEnd < 0 ? undefined : codeEnd));
    results.push({
      stdout: stdout.slice(o + `${nonce} O ${i}\n`.length, e),
      stderr: stdout.slice(e + `\n${nonce} E ${i}\n`.length, c),
      code,
    });
  }
  return results;
}

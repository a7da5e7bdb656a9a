import type { ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import type { FactQuery } from './facts.js';
import { dirPrelude } from './dir-batch.js';
import { sigPrelude } from './sig-batch.js';
import { readStatBlock, sharedStatPaths, statBlockScript } from './stat-batch.js';
import { unitPrelude } from './unit-batch.js';

/**
 * Builds one script that runs many facts and prints their outputs between markers. A fact runs in one
 * subshell (the command substitution that captures it: one fork per fact): its stdout goes straight out
 * (fd 3), its stderr is captured in a variable and its exit code is the substitution's, so the probe
 * writes nothing on the host (no temp file: even a directory's mtime stays as it was). The EXIT trap ends
 * the captured stderr with the nonce, so trailing newlines survive the substitution (a fact that sets its
 * own EXIT trap loses only those). Plain path facts share one `stat` instead (stat-batch.ts), and so do the
 * stat signatures of content facts (sig-batch.ts), and facts that read one unit's `systemctl show` (unit-batch.ts).
 */
export function batchScript(facts: readonly FactQuery[], nonce: string): string {
  const shared = sharedStatPaths(facts);
  return [
    'exec 3>&1',
    ...sigPrelude(facts),
    ...dirPrelude(facts),
    ...unitPrelude(facts),
    ...statBlockScript(shared, nonce),
    ...facts.flatMap((f, i) => (shared[i] === undefined ? factFrame(i, f, nonce) : [])),
  ].join('\n');
}

/** Fact `i`'s frame: its fast path first where it has one (no subshell when that answers), else its subshell. */
function factFrame(i: number, f: FactQuery, nonce: string): string[] {
  const [open, run, close] = framed(i, `${f.script}\n`, ' </dev/null', nonce);
  if (f.fastPath === undefined) return [open, run, close];
  return [
    open,
    `__q=\n${f.fastPath}`,
    `if [ -n "$__q" ]; then printf '\\n%s E ${i}\\n\\n%s C ${i} 0\\n' ${nonce} ${nonce}; else`,
    run,
    close,
    'fi',
  ];
}

/**
 * The lines that run script `i` of a framed batch (the probe's facts, the steps of an apply) in the command
 * substitution that captures its stderr, and print its stdout, stderr and exit code between markers.
 */
export function framed(i: number, body: string, redirect: string, nonce: string): [open: string, run: string, close: string] {
  return [
    `printf '%s O ${i}\\n' ${nonce}`,
    `__r=$(exec 2>&1 1>&3 3>&-${redirect}; trap 'printf %s ${nonce} >&2' EXIT\n${body}); __c=$?; __e=\${__r%${nonce}}`,
    `printf '\\n%s E ${i}\\n%s\\n%s C ${i} %d\\n' ${nonce} "$__e" ${nonce} "$__c"`,
  ];
}

/** Splits the output of `batchScript(facts, nonce)` back into one ExecResult per fact. */
export function splitBatch(stdout: string, facts: readonly FactQuery[], nonce: string): ExecResult[] {
  const shared = sharedStatPaths(facts);
  const stats = readStatBlock(stdout, shared, nonce);
  return facts.map((_, i) => {
    const path = shared[i];
    const r = path === undefined ? readFrame(stdout, i, nonce) : stats && { stdout: stats.get(path) ?? '', stderr: '', code: 0 };
    if (r) return r;
    throw new TsplayError('FACT_FAILED', `fact probe output is incomplete (fact ${i} of ${facts.length})`, {
      hint: 'the remote shell stopped early; run with -v to see its stderr',
    });
  });
}

/** Frame `i` of a framed batch's output, or undefined when it is not complete. */
function readFrame(stdout: string, i: number, nonce: string): ExecResult | undefined {
  const o = stdout.indexOf(`${nonce} O ${i}\n`);
  const e = o < 0 ? -1 : stdout.indexOf(`\n${nonce} E ${i}\n`, o);
  const c = e < 0 ? -1 : stdout.indexOf(`\n${nonce} C ${i} `, e);
  if (c < 0) return undefined;
  const from = c + `\n${nonce} C ${i} `.length;
  const end = stdout.indexOf('\n', from);
  return {
    stdout: stdout.slice(o + `${nonce} O ${i}\n`.length, e),
    stderr: stdout.slice(e + `\n${nonce} E ${i}\n`.length, c),
    code: Number(stdout.slice(from, end < 0 ? undefined : end)),
  };
}

/** The results of a framed batch's scripts, in order, up to the first whose frame is not complete. */
export function splitFramed(stdout: string, count: number, nonce: string): ExecResult[] {
  const out: ExecResult[] = [];
  for (let i = 0; i < count; i++) {
    const r = readFrame(stdout, i, nonce);
    if (!r) break;
    out.push(r);
  }
  return out;
}

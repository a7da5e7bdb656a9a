import { unifiedDiff } from '@tsplay/modules';
import type { RunEvent } from '@tsplay/core';
import type { HostRecap } from '@tsplay/core/engine';

export const color = (on: boolean) => {
  const c = (n: number) => (s: string) => (on ? `\u001b[${n}m${s}\u001b[0m` : s);
  return { green: c(32), yellow: c(33), red: c(31), cyan: c(36), dim: c(2), bold: c(1), magenta: c(35) };
};

type Colors = ReturnType<typeof color>;

export function statusWord(e: Extract<RunEvent, { type: 'task.result' }>, c: Colors, check: boolean): string {
  switch (e.status) {
    case 'changed':
      return c.yellow(check ? 'would change' : 'changed');
    case 'ok':
      return c.green('ok');
    case 'skipped':
      return c.cyan('skipped');
    case 'failed':
      return c.red('FAILED');
    case 'unreachable':
      return c.red('UNREACHABLE');
    case 'unknown':
      return c.magenta('unknown');
  }
}

export function resultLine(e: Extract<RunEvent, { type: 'task.result' }>, c: Colors, verbose: boolean, check: boolean): string[] {
  // Plans word their summary for check mode ("would create ..."); a real run states what it did.
  const summary = e.summary && (e.status !== 'ok' || verbose) ? ` ${check ? e.summary : e.summary.replace(/^would /, '')}` : '';
  const lines = [`${statusWord(e, c, check)}: [${e.host}]${summary} ${c.dim(`(${e.durationMs} ms)`)}`];
  if (e.error) {
    const [first = '', ...more] = e.error.message.split('\n');
    lines.push(c.red(`  error[${e.error.code}]: ${first}`), ...more.map((l) => `    | ${l}`));
    if (e.error.field) lines.push(c.red(`  field: ${e.error.field}`));
    if (e.error.hint) lines.push(`  hint: ${e.error.hint}`);
  } else if (e.status === 'failed' && e.msg) {
    const [first = '', ...more] = e.msg.split('\n');
    lines.push(c.red(`  ${first}`), ...more.map((l) => `    | ${l}`));
  }
  // a failed command's output goes under its host, indented; other output only with -v
  if (e.stdout && (verbose || (e.status === 'failed' && !e.msg?.includes(e.stdout.trim()))))
    lines.push(
      ...e.stdout
        .trimEnd()
        .split('\n')
        .slice(verbose ? 0 : -20)
        .map((l) => c.dim(`    | ${l}`)),
    );
  for (const d of e.diff ?? []) lines.push(...diffLines(d, c));
  return lines;
}

function diffLines(d: { path?: string | undefined; before: string; after: string }, c: Colors): string[] {
  if (d.before === '<secret>' && d.after === '<secret>') return [c.bold(`  ${d.path ?? 'content'}: secret content changed (not shown)`)];
  const text = unifiedDiff(d.before, d.after, { path: d.path });
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) =>
      l.startsWith('+') && !l.startsWith('+++')
        ? c.green(`  ${l}`)
        : l.startsWith('-') && !l.startsWith('---')
          ? c.red(`  ${l}`)
          : `  ${l}`,
    );
}

export function recapLines(hosts: Record<string, HostRecap>, c: Colors, durationMs: number): string[] {
  const width = Math.max(4, ...Object.keys(hosts).map((h) => h.length));
  const lines = [c.bold(`PLAY RECAP ${'*'.repeat(40)}`)];
  for (const [h, r] of Object.entries(hosts)) {
    const name = r.failed || r.unreachable ? c.red(h.padEnd(width)) : r.changed ? c.yellow(h.padEnd(width)) : c.green(h.padEnd(width));
    lines.push(
      `${name} : ok=${r.ok}  changed=${r.changed}  unreachable=${r.unreachable}  failed=${r.failed}  skipped=${r.skipped}${r.rescued ? `  rescued=${r.rescued}` : ''}${r.unknown ? `  unknown=${r.unknown}` : ''}  time=${(r.durationMs / 1000).toFixed(2)}s`,
    );
  }
  lines.push(c.dim(`total ${(durationMs / 1000).toFixed(2)}s`));
  return lines;
}

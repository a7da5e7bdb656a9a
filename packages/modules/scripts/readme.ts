/**
 * Rewrite the arguments table of every module README from its zod schema (between ARGS_BEGIN and ARGS_END;
 * a README without them gets the table under its `## Arguments` heading, replacing the first table there).
 * Run: pnpm --filter @tsplay/modules readme. src/reference.test.ts fails when a README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AnyModule } from '@tsplay/core/module';
import * as modules from '../src/index.js';
import { ARGS_BEGIN, ARGS_END, argsTable, moduleReference } from '../src/reference.js';

const all = (Object.values(modules) as unknown[]).filter(
  (v): v is AnyModule => (v as { kind?: string }).kind === 'tsplay-module' && (v as AnyModule).name !== 'package',
);

function withTable(text: string, table: string): string {
  const b = text.indexOf(ARGS_BEGIN);
  const e = text.indexOf(ARGS_END);
  if (b >= 0 && e > b) return `${text.slice(0, b)}${table}${text.slice(e + ARGS_END.length)}`;
  const lines = text.split('\n');
  const h = lines.findIndex((l) => /^## Arguments/.test(l));
  if (h < 0) throw new Error('no "## Arguments" heading and no markers');
  const start = lines.findIndex((l, i) => i > h && l.startsWith('|'));
  let end = start;
  while (end < lines.length && lines[end]?.startsWith('|')) end++;
  lines.splice(start, end - start, table);
  return lines.join('\n');
}

for (const m of all) {
  const file = new URL(`../src/${m.name}/README.md`, import.meta.url);
  const text = readFileSync(file, 'utf8');
  const next = withTable(text, argsTable(moduleReference(m)));
  if (next !== text) writeFileSync(file, next);
}

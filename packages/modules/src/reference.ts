import { z } from 'zod';
import type { AnyModule } from '@tsplay/core/module';

/**
 * A module's reference, read from its zod schema (so `tsplay modules NAME` and the docs cannot drift
 * from what the module accepts): the summary is the schema's description, each arg's description,
 * type and default come from the JSON Schema zod makes of the args.
 */
export interface ArgDoc {
  name: string;
  type: string;
  required: boolean;
  /** JSON of the default value, when there is one. */
  default: string | undefined;
  description: string;
}

export interface ModuleDoc {
  name: string;
  summary: string;
  args: ArgDoc[];
}

type Js = {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Js[];
  items?: Js;
  description?: string;
  default?: unknown;
  properties?: Record<string, Js>;
  required?: string[];
  const?: unknown;
};

function typeOf(s: Js): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v).replace(/"/g, "'")).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const).replace(/"/g, "'");
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'unknown'}[]`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (s.type === 'integer') return 'number';
  if (s.type === 'object') return 'object';
  return s.type ?? 'any';
}

export function moduleReference(m: AnyModule): ModuleDoc {
  const js = z.toJSONSchema(m.args, { unrepresentable: 'any', io: 'input' }) as Js;
  const required = new Set(js.required ?? []);
  const args = Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    type: typeOf(s),
    required: required.has(name) && s.default === undefined,
    default: s.default === undefined ? undefined : JSON.stringify(s.default),
    description: s.description ?? '',
  }));
  return { name: m.name, summary: m.args.description ?? js.description ?? '', args };
}

/** The reference as text: a header line, then one line per arg (name, type, default, description). */
export function formatReference(doc: ModuleDoc): string {
  const w = Math.max(4, ...doc.args.map((a) => a.name.length));
  const t = Math.max(4, ...doc.args.map((a) => a.type.length));
  const lines = [`${doc.name}: ${doc.summary}`, '', `  ${'arg'.padEnd(w)}  ${'type'.padEnd(t)}  default`];
  for (const a of doc.args)
    lines.push(
      `  ${a.name.padEnd(w)}  ${a.type.padEnd(t)}  ${a.required ? '(required)' : (a.default ?? '-')}${a.description ? `\n  ${' '.repeat(w)}  ${a.description}` : ''}`,
    );
  if (doc.args.length === 0) lines.push('  (no arguments)');
  return lines.join('\n');
}

/** Markers around the generated arguments table in each module's README. */
export const ARGS_BEGIN =
  '<!-- args: generated from the zod schema (pnpm --filter @tsplay/modules readme); edit the schema, not this table -->';
export const ARGS_END = '<!-- /args -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The README's arguments table (markdown): arg, type, default (`required` when there is none and it must be given), description. */
export function argsTable(doc: ModuleDoc): string {
  const rows = doc.args.map((a) => {
    const def = a.required ? 'required' : a.default === undefined ? '-' : `\`${cell(a.default)}\``;
    return `| \`${a.name}\` | \`${cell(a.type)}\` | ${def} | ${cell(a.description)} |`;
  });
  const table = doc.args.length ? ['| arg | type | default | description |', '|---|---|---|---|', ...rows] : ['(no arguments)'];
  return [ARGS_BEGIN, ...table, ARGS_END].join('\n');
}

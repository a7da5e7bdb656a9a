import type { AnyModule } from '@tsplay/core/module';
import { describe, expect, it } from 'vitest';
import * as modules from './index.js';
import { readFileSync } from 'node:fs';
import { ARGS_BEGIN, ARGS_END, argsTable, formatReference, moduleReference } from './reference.js';

const all = (Object.values(modules) as unknown[]).filter((v): v is AnyModule => (v as { kind?: string }).kind === 'tsplay-module');

describe('module reference from the schemas', () => {
  it('every module has a summary and every arg a description', () => {
    const missing = all.flatMap((m) => {
      const d = moduleReference(m);
      return [...(d.summary ? [] : [`${m.name}: summary`]), ...d.args.filter((a) => !a.description).map((a) => `${m.name}.${a.name}`)];
    });
    expect(missing).toEqual([]);
  });
  it('gives name, type, default and description of each arg', () => {
    const d = moduleReference(modules.lineinfile);
    expect(d.summary).toBe('One line in a text file: added, replaced (regexp) or removed');
    expect(d.args.find((a) => a.name === 'state')).toEqual({
      name: 'state',
      type: "'present' | 'absent'",
      required: false,
      default: '"present"',
      description: 'present: make sure the line is there; absent: remove matching lines',
    });
    expect(d.args.find((a) => a.name === 'path')).toMatchObject({ type: 'string', required: true, default: undefined });
    expect(moduleReference(modules.apt).args.find((a) => a.name === 'name')?.type).toBe('string | string[]');
    const text = formatReference(moduleReference(modules.stat));
    expect(text.split('\n')).toEqual([
      'stat: A read-only fact of a path: type, mode, owner, group, size, link target, sha256',
      '',
      '  arg   type     default',
      '  path  string   (required)',
      '        Absolute path on the host',
      '  hash  boolean  false',
      '        Also compute the sha256 of a regular file',
    ]);
  });
});

describe('module READMEs', () => {
  const readme = (m: AnyModule) => readFileSync(new URL(`./${m.name}/README.md`, import.meta.url), 'utf8');
  const documented = all.filter((m) => m.name !== 'package'); // package is apt under another name (apt/README.md)

  it('carry the arguments table of their schema (every arg, type, default, description): run `pnpm --filter @tsplay/modules readme` to refresh', () => {
    const stale = documented.filter((m) => {
      const text = readme(m);
      const b = text.indexOf(ARGS_BEGIN);
      const e = text.indexOf(ARGS_END);
      return b < 0 || e < b || text.slice(b, e + ARGS_END.length) !== argsTable(moduleReference(m));
    });
    expect(stale.map((m) => m.name)).toEqual([]);
  });

  it('name every arg in a table row with its type and default, and give a TypeScript example', () => {
    const missing = documented.flatMap((m) => {
      const text = readme(m);
      const rows = moduleReference(m).args.filter((a) => {
        const row = text.split('\n').find((l) => l.startsWith(`| \`${a.name}\` |`));
        const def = a.required ? 'required' : a.default === undefined ? '-' : `\`${a.default}\``;
        return !row?.includes(`| \`${a.type.replace(/\|/g, '\\|')}\` | ${def} |`);
      });
      return [...rows.map((a) => `${m.name}.${a.name}`), ...(/```ts\n/.test(text) ? [] : [`${m.name}: example`])];
    });
    expect(missing).toEqual([]);
  });

  it('the arguments table is what the schema says (a changed default shows)', () => {
    const doc = moduleReference(modules.stat);
    const changed = { ...doc, args: doc.args.map((a) => (a.name === 'hash' ? { ...a, default: 'true' } : a)) };
    expect(argsTable(changed)).not.toBe(argsTable(doc));
    expect(argsTable(doc).split('\n').slice(1, -1)).toEqual([
      '| arg | type | default | description |',
      '|---|---|---|---|',
      '| `path` | `string` | required | Absolute path on the host |',
      '| `hash` | `boolean` | `false` | Also compute the sha256 of a regular file |',
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as kit from './index.js';

const doc = readFileSync(join(import.meta.dirname, '../../../../docs/writing-modules.md'), 'utf8');

/** The names in the first column of the table under `## The kit`. */
function documented(): string[] {
  const section = doc.slice(doc.indexOf('## The kit'));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1] as string));
}

describe('docs/writing-modules.md', () => {
  it('lists exactly what the kit exports, each name once', () => {
    const names = documented();
    expect(names.length).toBe(new Set(names).size);
    expect([...names].sort()).toEqual(Object.keys(kit).sort());
  });
  it('shows lineinfile as it is written', () => {
    const src = readFileSync(join(import.meta.dirname, '../lineinfile/index.ts'), 'utf8');
    const shown = /```ts\n(import \{ defineTextFileModule \}[\s\S]*?)```/.exec(doc)?.[1] ?? '';
    expect(shown).not.toBe('');
    for (const line of shown.split('\n').filter(Boolean)) expect(src).toContain(line);
  });
});

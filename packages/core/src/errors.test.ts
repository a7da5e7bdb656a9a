import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('.', import.meta.url).pathname;

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'fixtures') continue;
    if (statSync(p).isDirectory()) sources(p, out);
    else if (e.endsWith('.ts') && !e.endsWith('.test.ts') && !e.endsWith('.test-d.ts')) out.push(p);
  }
  return out;
}

describe('core error codes', () => {
  it('core declares exactly codes it raises: each declared code appears in a core source', () => {
    const decl = readFileSync(join(src, 'errors.ts'), 'utf8').match(/export interface CoreErrorCodes \{([^}]*)\}/)?.[1] ?? '';
    const declared = [...decl.matchAll(/([A-Z][A-Z0-9_]+): true;/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(10);
    // errors.ts itself raises INTERNAL (the fallback of toTsplayError); its declaration block is left out
    const text = sources(src)
      .map((f) => readFileSync(f, 'utf8').replace(/export interface CoreErrorCodes \{[^}]*\}/, ''))
      .join('\n');
    const unused = declared.filter((c) => !text.includes(`'${c}'`));
    expect(unused).toEqual([]);
  });
});

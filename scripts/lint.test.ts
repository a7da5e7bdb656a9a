import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS script without types
import { lintPackage } from './lint.mjs';

const root = join(import.meta.dirname, '..');

describe('project lint', () => {
  it.each(readdirSync(join(root, 'packages')))('packages/%s: no deep imports, no import cycles, no console.log', (p) => {
    expect((lintPackage as (d: string) => string[])(join(root, 'packages', p))).toEqual([]);
  });

  it('a deep import is flagged unless the package exports that subpath', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-lint-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), "import { x } from '@tsplay/core/src/errors.js';\nimport { y } from '@tsplay/ssh/persist';\nexport const z = [x, y];\n");
    const problems = (lintPackage as (d: string) => string[])(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('deep import @tsplay/core/src/errors.js');
  });
});

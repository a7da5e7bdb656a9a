import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS script without types
import { lintPackage } from './lint.mjs';

const root = join(import.meta.dirname, '..');

describe('project lint', () => {
  it.each(readdirSync(join(root, 'packages')))('packages/%s: no deep imports, no import cycles, no console.log', (p) => {
    expect((lintPackage as (d: string) => string[])(join(root, 'packages', p))).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

describe('args functions keep literal types (a real tsc run)', () => {
  it('literal-ok.ts compiles without `as const`, and literal-bad.ts fails on exactly its marked lines', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(here, 'fixtures', 'types', 'tsconfig.json')],
      { encoding: 'utf8' },
    );
    const errors = [...r.stdout.matchAll(/(literal-\w+)\.ts\((\d+),\d+\): error/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(errors.filter((e) => e.startsWith('literal-ok'))).toEqual([]);
    expect(new Set(errors)).toEqual(new Set(['literal-bad:14', 'literal-bad:15', 'literal-bad:16']));
    expect(r.status).not.toBe(0);
  });
});

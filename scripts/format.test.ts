import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('formatting (Biome, pinned in the root package.json; biome.json)', () => {
  it('every source file is as the formatter writes it (fix: pnpm format)', () => {
    const r = spawnSync(join(root, 'node_modules/.bin/biome'), ['format', '--colors=off', '.'], { cwd: root, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.status, `${r.stdout}\n${r.stderr}`.slice(0, 4000)).toBe(0);
  });
});

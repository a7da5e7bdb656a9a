import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

describe('typed playbooks', () => {
  it('tsc rejects wrong arg types, bad enum values and unknown or mistyped vars, naming each line', () => {
    const tsconfig = join(here, 'fixtures', 'types', 'tsconfig.json');
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    const lines = [...r.stdout.matchAll(/wrong-arg\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]));
    // retries: 'three' (14), state: 'folder' (15), a number in argv (16), an unknown var (17)
    expect(new Set(lines)).toEqual(new Set([14, 15, 16, 17]));
  });
});

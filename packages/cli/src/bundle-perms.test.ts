import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importTs } from './loader.js';
import { stateDir } from './paths.js';

// Issue 25, item 6: the compiled bundle keeps the playbook's literals, secrets included.
const saved = { cache: process.env.TSPLAY_CACHE_DIR, state: process.env.TSPLAY_STATE_DIR };
afterEach(() => {
  for (const [k, v] of [
    ['TSPLAY_CACHE_DIR', saved.cache],
    ['TSPLAY_STATE_DIR', saved.state],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('workstation files', () => {
  it('a bundle holding a secret literal is 0600 in a 0700 directory, even where an older tsplay left 0755', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-bundle-perms-'));
    const cache = join(root, 'cache');
    mkdirSync(join(cache, 'bundles'), { recursive: true, mode: 0o755 });
    process.env.TSPLAY_CACHE_DIR = cache;
    const src = join(root, 'pb.ts');
    writeFileSync(src, "export const token: string = 's3cr3t-literal';\n");
    expect((await importTs(src)).token).toBe('s3cr3t-literal');
    const dir = join(cache, 'bundles');
    const files = readdirSync(dir);
    const bundle = files.find((f) => f.endsWith('.mjs')) as string;
    expect(readFileSync(join(dir, bundle), 'utf8')).toContain('s3cr3t-literal');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(files.map((f) => [f, statSync(join(dir, f)).mode & 0o777])).toEqual(files.map((f) => [f, 0o600]));
  });

  it('loads of one playbook at once in one process (the resident runner) each bundle through a temp file of their own', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-bundle-race-'));
    process.env.TSPLAY_CACHE_DIR = join(root, 'cache');
    const src = join(root, 'pb.ts');
    writeFileSync(src, 'export const n: number = 42;\n');
    const loads = await Promise.all(Array.from({ length: 6 }, () => importTs(src)));
    expect(loads.map((m) => m.n)).toEqual(Array(6).fill(42));
    // nothing half-written is left behind: the bundle and its manifest, no temp file
    expect(
      readdirSync(join(root, 'cache', 'bundles'))
        .map((f) => f.replace(/^pb-[0-9a-f]+/, 'pb'))
        .sort(),
    ).toEqual(['pb.json', 'pb.mjs']);
  });

  it('the state directory is 0700', () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-state-perms-'));
    process.env.TSPLAY_STATE_DIR = join(root, 'state');
    mkdirSync(process.env.TSPLAY_STATE_DIR, { mode: 0o755 });
    expect(statSync(stateDir()).mode & 0o777).toBe(0o700);
  });
});

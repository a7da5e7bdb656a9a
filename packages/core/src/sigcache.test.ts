import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathFact } from './facts.js';
import { gatherFacts } from './gather.js';
import { LocalConnection } from './local.js';
import { SigCache } from './sigcache.js';

const conn = new LocalConnection('local');

describe('SigCache: content facts are not recomputed while the stat signature holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sig-'));
  const file = join(dir, 'big');
  const cacheFile = join(dir, 'cache.json');
  writeFileSync(file, 'one');
  const ONE = '7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed';

  it('remembers, persists, answers from the cache, and recomputes after any change', async () => {
    const first = new SigCache(cacheFile);
    const v1 = await gatherFacts(conn, { f: pathFact(file, { hash: true }) }, { become: false, sigCache: first });
    expect(v1.f).toMatchObject({ exists: true, sha256: ONE, size: 3 });
    first.save();

    // Forge the remembered result: if the host were re-hashing, the forged hash could not come back.
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, { sig: string; result: { stdout: string } }>;
    const key = Object.keys(stored)[0] as string;
    (stored[key] as { result: { stdout: string } }).result.stdout = (stored[key] as { result: { stdout: string } }).result.stdout.replace(ONE, 'f'.repeat(64));
    writeFileSync(cacheFile, JSON.stringify(stored));
    const v2 = await gatherFacts(conn, { f: pathFact(file, { hash: true }) }, { become: false, sigCache: new SigCache(cacheFile) });
    expect((v2.f as { sha256: string }).sha256).toBe('f'.repeat(64));

    // Same size, new content: mtime/ctime change, so the host hashes again.
    writeFileSync(file, 'two');
    const v3 = await gatherFacts(conn, { f: pathFact(file, { hash: true }) }, { become: false, sigCache: new SigCache(cacheFile) });
    expect((v3.f as { sha256: string }).sha256).toBe('3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3');
  });

  it('a missing file is probed normally', async () => {
    const v = await gatherFacts(conn, { f: pathFact(join(dir, 'none'), { hash: true }) }, { become: false, sigCache: new SigCache() });
    expect(v.f).toEqual({ exists: false });
  });
});

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathFact } from './facts.js';
import { gatherFacts } from './gather.js';
import { LocalConnection } from './local.js';
import { MIN_CACHED_BYTES, SigCache } from './sigcache.js';

const conn = new LocalConnection('local');

describe('SigCache: content facts are not recomputed while the stat signature holds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sig-'));
  const file = join(dir, 'big');
  const cacheFile = join(dir, 'cache.json');
  const big = (s: string) => Buffer.concat([Buffer.alloc(MIN_CACHED_BYTES), Buffer.from(s)]);
  const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  writeFileSync(file, big('one'));
  const ONE = hex(big('one'));

  it('remembers, persists, answers from the cache, and recomputes after any change', async () => {
    const first = new SigCache(cacheFile);
    const v1 = await gatherFacts(conn, { f: pathFact(file, { hash: true }) }, { become: false, sigCache: first });
    expect(v1.f).toMatchObject({ exists: true, sha256: ONE, size: MIN_CACHED_BYTES + 3 });
    first.save();

    // Forge the remembered result: if the host were re-hashing, the forged hash could not come back.
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, { sig: string; result: { stdout: string } }>;
    const key = Object.keys(stored)[0] as string;
    (stored[key] as { result: { stdout: string } }).result.stdout = (stored[key] as { result: { stdout: string } }).result.stdout.replace(
      ONE,
      'f'.repeat(64),
    );
    writeFileSync(cacheFile, JSON.stringify(stored));
    const v2 = await gatherFacts(conn, { f: pathFact(file, { hash: true }) }, { become: false, sigCache: new SigCache(cacheFile) });
    expect((v2.f as { sha256: string }).sha256).toBe('f'.repeat(64));

    // Same size, new content: mtime/ctime change, so the host hashes again.
    writeFileSync(file, big('two'));
    const v3 = await gatherFacts(conn, { f: pathFact(file, { hash: true }) }, { become: false, sigCache: new SigCache(cacheFile) });
    expect((v3.f as { sha256: string }).sha256).toBe(hex(big('two')));
  });

  it('a missing file is probed normally', async () => {
    const v = await gatherFacts(conn, { f: pathFact(join(dir, 'none'), { hash: true }) }, { become: false, sigCache: new SigCache() });
    expect(v.f).toEqual({ exists: false });
  });

  it("never keeps the hash of a small file (a guessable secret's), drops such entries an older tsplay kept; 0600 in 0700", async () => {
    const small = join(dir, 'password');
    writeFileSync(small, 'hunter2\n');
    const sum = hex(Buffer.from('hunter2\n'));
    const cf = join(dir, 'state', 'sig', 'h.json');
    const c = new SigCache(cf);
    const v = await gatherFacts(
      conn,
      { s: pathFact(small, { hash: true }), b: pathFact(file, { hash: true }) },
      { become: false, sigCache: c },
    );
    expect((v.s as { sha256: string }).sha256).toBe(sum);
    c.save();
    const text = readFileSync(cf, 'utf8');
    expect(text).not.toContain(sum);
    expect(text).toContain(hex(big('two')));
    expect([statSync(cf).mode & 0o777, statSync(join(dir, 'state', 'sig')).mode & 0o777]).toEqual([0o600, 0o700]);
    // a cache file an older tsplay wrote, with a small file's hash in it: dropped on load, gone on save
    const old = JSON.parse(text) as Record<string, { sig: string; result: { stdout: string } }>;
    old.legacy = { sig: '8.1.1.1', result: { stdout: sum } } as never;
    writeFileSync(cf, JSON.stringify(old), { mode: 0o644 });
    new SigCache(cf).save();
    expect(readFileSync(cf, 'utf8')).not.toContain(sum);
    expect(statSync(cf).mode & 0o777).toBe(0o600);
  });
});

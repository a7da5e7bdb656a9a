import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from './connection.js';
import { pathFact } from './facts.js';
import { gatherFacts } from './gather.js';
import { LocalConnection } from './local.js';
import { MIN_CACHED_BYTES, SigCache } from './sigcache.js';
import { countingStat } from './testing/counting-stat.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-sig-batch-'));
// a `stat` that counts each call with -L (a signature read)
const stat = countingStat('*" -L "*');
const local = new LocalConnection('local');
const conn: Connection = {
  host: 'local',
  exec: (command, opts) => local.exec(`PATH=${stat.bin}:$PATH; export PATH\n${command}`, opts),
  put: (p, d, o) => local.put(p, d, o),
  read: (p, o) => local.read(p, o),
  stat: (p, o) => local.stat(p, o),
  close: () => local.close(),
};
const calls = stat.calls;
const big = (name: string, s: string) => {
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([Buffer.alloc(MIN_CACHED_BYTES), Buffer.from(s)]));
  return p;
};
const a = big('a', 'one');
const b = big('b', 'two');
const facts = (...ps: string[]) => Object.fromEntries(ps.map((p, i) => [`f${i}`, pathFact(p, { hash: true })]));

describe('the content facts of a batch read their stat signatures with one stat', () => {
  it('one signature read for the batch; the answers, and what the cache remembers, as with one stat per fact', async () => {
    stat.reset();
    const shared = new SigCache(join(dir, 'shared.json'));
    const together = await gatherFacts(conn, facts(a, b), { become: false, sigCache: shared });
    expect(calls()).toBe(1);
    stat.reset();
    const own = new SigCache(join(dir, 'own.json'));
    const alone = [
      await gatherFacts(conn, facts(a), { become: false, sigCache: own }),
      await gatherFacts(conn, facts(b), { become: false, sigCache: own }),
    ];
    expect(calls()).toBe(2);
    expect(together).toEqual({ f0: alone[0]?.f0, f1: alone[1]?.f0 });
    shared.save();
    own.save();
    // the same signatures: the shared read finds what the per-fact reads remembered, and the other way round
    expect(JSON.parse(readFileSync(join(dir, 'shared.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(dir, 'own.json'), 'utf8')));
  });

  it('answers from the cache while the signatures hold, hashes again after a change', async () => {
    const cache = join(dir, 'forged.json');
    const first = new SigCache(cache);
    await gatherFacts(conn, facts(a, b), { become: false, sigCache: first });
    first.save();
    // forge what was remembered: a host that re-hashed could not give the forged hash back
    const stored = readFileSync(cache, 'utf8');
    const real = (await gatherFacts(conn, facts(a), { become: false })).f0 as { sha256: string };
    writeFileSync(cache, stored.split(real.sha256).join('f'.repeat(64)));
    const hit = await gatherFacts(conn, facts(a, b), { become: false, sigCache: new SigCache(cache) });
    expect((hit.f0 as { sha256: string }).sha256).toBe('f'.repeat(64));
    big('a', 'changed');
    const miss = await gatherFacts(conn, facts(a, b), { become: false, sigCache: new SigCache(cache) });
    expect((miss.f0 as { sha256: string }).sha256).not.toBe('f'.repeat(64));
    expect((miss.f1 as { sha256: string }).sha256).toBe((hit.f1 as { sha256: string }).sha256);
  });

  it('with a path missing, still one signature read for the batch; the answers and the cache as with one stat per fact', async () => {
    stat.reset();
    const gone = join(dir, 'gone');
    const shared = new SigCache(join(dir, 'shared-gone.json'));
    const v = await gatherFacts(conn, facts(a, gone, b), { become: false, sigCache: shared });
    expect(calls()).toBe(1);
    expect(v.f1).toEqual({ exists: false });
    stat.reset();
    const own = new SigCache(join(dir, 'own-gone.json'));
    const alone = [a, gone, b].map((p) => gatherFacts(conn, facts(p), { become: false, sigCache: own }));
    expect(v).toEqual({ f0: (await alone[0])?.f0, f1: (await alone[1])?.f0, f2: (await alone[2])?.f0 });
    shared.save();
    own.save();
    expect(JSON.parse(readFileSync(join(dir, 'shared-gone.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(dir, 'own-gone.json'), 'utf8')),
    );
  });

  it('no path there: no stat at all, every fact answers that its file is missing', async () => {
    stat.reset();
    const v = await gatherFacts(conn, facts(join(dir, 'none1'), join(dir, 'none2')), { become: false, sigCache: new SigCache() });
    expect(calls()).toBe(0);
    expect(v).toEqual({ f0: { exists: false }, f1: { exists: false } });
  });
});

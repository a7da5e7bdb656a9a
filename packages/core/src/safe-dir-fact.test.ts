import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchScript, splitBatch } from './batch.js';
import { isUnknownFact } from './facts.js';
import { FactCache, gatherFacts } from './gather.js';
import { LocalConnection } from './local.js';
import { Overlay } from './overlay.js';
import { dirChainFact, dirChainScript, judgePredictedDir, parseDirChain } from './safe-dir-fact.js';

const root = mkdtempSync(join(tmpdir(), 'tsplay-dirsafe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const probe = (dirs: string[]) => parseDirChain(execFileSync('/bin/sh', ['-c', dirChainScript(dirs)], { encoding: 'utf8' }), dirs);

describe('dirChainScript + parseDirChain', () => {
  it('parses a verdict per directory, in any order', () => {
    const out = 'D|1|refuse\nD|0|ok\nD|2|owner|nobody\nD|3|missing\n';
    expect(parseDirChain(out, ['/', '/a', '/a/b', '/a/b/c'])).toEqual({
      '/': 'ok',
      '/a': 'refuse',
      '/a/b': 'owner:nobody',
      '/a/b/c': 'missing',
    });
  });

  it('rejects output without a verdict for every directory (a probe that failed)', () => {
    expect(() => parseDirChain('D|0|ok\nstat: cannot stat\n', ['/', '/a'])).toThrow(/unexpected directory check output for \/a/);
  });

  it('runs the safe write check on a chain (live): open 0777 refuses, sticky 1777 and 0755 are ok, a link is judged at its target', () => {
    const open = join(root, 'open');
    const sticky = join(root, 'sticky');
    const plain = join(root, 'plain');
    for (const d of [open, sticky, plain]) mkdirSync(d);
    chmodSync(open, 0o777);
    chmodSync(sticky, 0o1777);
    chmodSync(plain, 0o755);
    symlinkSync(open, join(root, 'to-open'));
    const dirs = [open, sticky, plain, join(root, 'to-open'), join(root, 'none'), join(root, 'none', 'deeper')];
    expect(dirs.map((d) => probe([d])[d])).toEqual(['refuse', 'ok', 'ok', 'refuse', 'missing', 'missing']);
    expect(probe(dirs)).toEqual(Object.fromEntries(dirs.map((d) => [d, probe([d])[d]])));
  });

  it("tells a directory that is only another user's (as root: the write may go there as that user)", () => {
    const theirs = join(root, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    const want = process.getuid?.() === 0 ? 'owner:nobody' : 'refuse';
    expect(probe(['/', root, theirs])).toEqual({ '/': 'ok', [root]: 'ok', [theirs]: want });
  });

  it('gatherFacts refines the probed and the cached answer with the overlay, and caches what the host said', async () => {
    const dirs = ['/', root, join(root, 'later')];
    const cache = new FactCache();
    const o = new Overlay();
    const opts = { become: false, cache, overlay: o };
    const first = await gatherFacts(new LocalConnection('local'), { safe: dirChainFact(dirs, { root: false }) }, opts);
    expect(first.safe).toEqual({ '/': 'ok', [root]: 'ok', [join(root, 'later')]: 'missing' });
    o.record({ paths: { [join(root, 'later')]: { exists: true, type: 'dir', mode: 0o777 } } }, 'mkdir');
    const second = await gatherFacts(new LocalConnection('local'), { safe: dirChainFact(dirs, { root: false }) }, opts);
    expect(second.safe).toEqual({ '/': 'ok', [root]: 'ok', [join(root, 'later')]: 'refuse' });
    expect([...cache.values.values()]).toEqual([first.safe]);
  });

  it.each(['bash', 'dash'])('gives the same verdicts inside the batched probe under %s (a login shell may be bash)', (shell) => {
    const dirs = ['/', root, join(root, 'plain'), join(root, 'none')];
    const facts = [dirChainFact(dirs, { root: false })];
    const out = execFileSync(shell, ['-c', batchScript(facts, 'NONCE')], { encoding: 'utf8' });
    const [r] = splitBatch(out, facts, 'NONCE');
    expect([r?.code, r?.stderr]).toEqual([0, '']);
    expect(parseDirChain(r?.stdout ?? '', dirs)).toEqual(probe(dirs));
  });

  it('judges a directory that vanishes between the checks like the write does (each on its own)', () => {
    const dirs = ['/', root, join(root, 'plain')];
    const script = dirChainScript(dirs).replace('if tsplay_st=$(stat', 'if false && tsplay_st=$(stat');
    expect(parseDirChain(execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }), dirs)[join(root, 'plain')]).toBe('ok');
  });
});

describe('judgePredictedDir (a directory an earlier task would make or change)', () => {
  const dir = (s: object) => ({ exists: true, type: 'dir' as const, ...s });
  it.each([
    ['root 0755', dir({ owner: 'root', group: 'root', mode: 0o755 }), 'ok'],
    ['made by the writer (no owner predicted), mkdir default mode', dir({}), 'ok'],
    ['world-writable', dir({ owner: 'root', mode: 0o777 }), 'refuse'],
    ['world-writable with sticky bit', dir({ owner: 'root', mode: 0o1777 }), 'ok'],
    ['group-writable by a group other than root', dir({ owner: 'root', group: 'staff', mode: 0o775 }), 'refuse'],
    ['group-writable by root', dir({ owner: 'root', group: 'root', mode: 0o775 }), 'ok'],
    ["another user's", dir({ owner: 'nobody', group: 'nogroup', mode: 0o755 }), 'owner:nobody'],
    ['absent', { exists: false }, 'missing'],
  ] as const)('%s as root', (_n, st, want) => expect(judgePredictedDir(st, '/d', { root: true })).toBe(want));

  it("another user's directory is unknown when the writer is not root (is it the login user?)", () => {
    expect(isUnknownFact(judgePredictedDir(dir({ owner: 'bob', mode: 0o755 }), '/d', { root: false }))).toBe(true);
  });

  it('the chain keeps the host verdict of a directory the overlay does not know, and judges the predicted ones', () => {
    const o = new Overlay();
    const f = dirChainFact(['/', '/srv', '/srv/a'], { root: true });
    const host = { '/': 'ok', '/srv': 'ok', '/srv/a': 'missing' } as const;
    expect(f.fromOverlay?.(o)).toBeUndefined();
    expect(f.refine?.(o, host)).toEqual(host);
    o.record({ paths: { '/srv/a': { exists: true, type: 'dir', owner: 'nobody', mode: 0o755 } } }, 'chown');
    expect(f.refine?.(o, host)).toEqual({ ...host, '/srv/a': 'owner:nobody' });
    o.record({ unknown: ['/srv'] }, 'run build');
    expect(isUnknownFact(f.fromOverlay?.(o))).toBe(true);
  });
});

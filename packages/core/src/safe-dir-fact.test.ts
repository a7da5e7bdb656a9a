import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnknownFact } from './facts.js';
import { Overlay } from './overlay.js';
import { dirSafetyFact, judgePredictedDir } from './safe-dir-fact.js';
import { dirSafetyScript, parseDirSafety } from './safe-write.js';

const root = mkdtempSync(join(tmpdir(), 'tsplay-dirsafe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const probe = (dir: string): string => execFileSync('/bin/sh', ['-c', dirSafetyScript(dir)], { encoding: 'utf8' });

describe('dirSafetyScript + parseDirSafety', () => {
  // Recorded on this machine as root: a temp dir chowned to nobody (65534), one chmod 0777, one 0755, one 1777, a missing one.
  it.each([
    ['D|owner|nobody\n', 'owner:nobody'],
    ['D|refuse\n', 'refuse'],
    ['D|ok\n', 'ok'],
    ['D|missing\n', 'missing'],
  ] as const)('parses %j', (out, want) => expect(parseDirSafety(out)).toBe(want));

  it('rejects output it does not know (a probe that failed)', () => {
    expect(() => parseDirSafety('stat: cannot stat\n')).toThrow(/unexpected directory check output/);
  });

  it('runs the safe write check on one directory (live): open 0777 refuses, sticky 1777 and 0755 are ok, a link is judged at its target', () => {
    const open = join(root, 'open');
    const sticky = join(root, 'sticky');
    const plain = join(root, 'plain');
    for (const d of [open, sticky, plain]) mkdirSync(d);
    chmodSync(open, 0o777);
    chmodSync(sticky, 0o1777);
    chmodSync(plain, 0o755);
    symlinkSync(open, join(root, 'to-open'));
    expect([open, sticky, plain, join(root, 'to-open'), join(root, 'none')].map((d) => parseDirSafety(probe(d)))).toEqual([
      'refuse',
      'ok',
      'ok',
      'refuse',
      'missing',
    ]);
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

  it('the fact answers from the overlay only for a predicted directory, else probes the host', () => {
    const o = new Overlay();
    const f = dirSafetyFact('/srv/a', { root: true });
    expect(f.fromOverlay?.(o)).toBeUndefined();
    o.record({ paths: { '/srv/a': { exists: true, type: 'dir', owner: 'nobody', mode: 0o755 } } }, 'chown');
    expect(f.fromOverlay?.(o)).toBe('owner:nobody');
    o.record({ unknown: ['/srv'] }, 'run build');
    expect(isUnknownFact(f.fromOverlay?.(o))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { unarchiveArgsSchema } from './args.js';
import { modeOfPerms, parseArchive } from './parse.js';
import { inferTargets } from './plan.js';
import { archiveFact } from './facts.js';

const H = 'a'.repeat(64);

describe('parseArchive', () => {
  it("reads members, their hashes and their targets; a hard link takes its target member's hash; parents are implicit dirs", () => {
    const out = [
      `H|${H}|etcd`,
      `H|${H}|with|pipe`,
      'A|ok',
      'U|0027',
      'P|none||||bin',
      `M|-rwsr-x---|file|700|${'b'.repeat(64)}|root:root|etcd`,
      'M|-rw-r--r--|none||||with|pipe',
      'M|drwxr-xr-t|dir|755||root:staff|docs',
      'M|lrwxrwxrwx|link|777|other|root:root|e',
      'T|etcd',
      'M|hrw-r--r--|none||||bin/hard',
      'T|etcd',
      'M|crw-r--r--|none||||dev',
      'tar: a warning',
    ].join('\n');
    expect(parseArchive(out, '')).toEqual({
      state: 'ok',
      members: [
        { path: 'bin', type: 'dir', mode: 0o750, dest: { exists: false } },
        { path: 'bin/hard', type: 'file', mode: 0o644, sha256: H, dest: { exists: false } },
        { path: 'docs', type: 'dir', mode: 0o1755, dest: { exists: true, type: 'dir', mode: 0o755, owner: 'root', group: 'staff' } },
        {
          path: 'e',
          type: 'link',
          mode: 0o777,
          target: 'etcd',
          dest: { exists: true, type: 'link', mode: 0o777, owner: 'root', group: 'root', target: 'other' },
        },
        {
          path: 'etcd',
          type: 'file',
          mode: 0o4750,
          sha256: H,
          dest: { exists: true, type: 'file', mode: 0o700, owner: 'root', group: 'root', sha256: 'b'.repeat(64) },
        },
        { path: 'with|pipe', type: 'file', mode: 0o644, sha256: H, dest: { exists: false } },
      ],
    });
  });
  it('a member listed twice is the later one; a member that was not hashed has no sha256', () => {
    const out = ['A|ok', 'M|-rw-------|none||||a', 'M|-rwxr-xr-x|none||||a'].join('\n');
    expect(parseArchive(out, '')).toEqual({
      state: 'ok',
      members: [{ path: 'a', type: 'file', mode: 0o755, sha256: undefined, dest: { exists: false } }],
    });
  });
  it('reads a missing archive, a fresh run and a tar error', () => {
    expect(parseArchive('A|missing\n', '')).toEqual({ state: 'missing' });
    expect(parseArchive('A|fresh\n', '')).toEqual({ state: 'fresh' });
    expect(parseArchive('A|error\n', 'tar: */x: Not found in archive\n')).toEqual({
      state: 'error',
      message: 'tar: */x: Not found in archive',
    });
  });
  it('throws on output it does not understand', () => {
    expect(() => parseArchive('', 'sh: 1: tar: not found')).toThrow(/unexpected/);
  });
});

describe('modeOfPerms', () => {
  it.each([
    ['rwxr-xr-x', 0o755],
    ['rw-------', 0o600],
    ['rwsr-sr-t', 0o7755],
    ['rwSr-Sr-T', 0o7644],
    ['---------', 0],
  ])('%s -> %o', (perms, mode) => {
    expect(modeOfPerms(perms)).toBe(mode);
  });
});

describe('inferTargets', () => {
  const t = (include: string[], stripComponents: number) =>
    inferTargets(unarchiveArgsSchema.parse({ src: '/a.tgz', dest: '/d', include, stripComponents }));
  it.each([
    [['*/etcd', '*/etcdctl'], 1, ['etcd', 'etcdctl']],
    [['./top/bin/tool'], 1, ['bin/tool']],
    [['*/etcd*'], 1, []],
    [['etcd'], 0, ['etcd']],
    [['*/etcd'], 2, []],
  ])('%j strip %i -> %j', (include, strip, want) => {
    expect(t(include, strip)).toEqual(want);
  });
});

describe('the archive fact in the signature cache', () => {
  const args = unarchiveArgsSchema.parse({
    src: '/s/etcd.tgz',
    dest: '/usr/local/bin/',
    include: ['*/etcd', '*/etcdctl'],
    stripComponents: 1,
  });
  it('is keyed by the archive and the named targets only (not dest: a directory would keep it off the workstation)', () => {
    for (const check of [true, false]) {
      expect(archiveFact(args, { check }).cacheBy).toEqual(['/s/etcd.tgz', '/usr/local/bin/etcd', '/usr/local/bin/etcdctl']);
    }
  });
  it('reads the archive and what is below dest (paths)', () => {
    expect(archiveFact(args).paths).toEqual(['/s/etcd.tgz', '/usr/local/bin']);
  });
});

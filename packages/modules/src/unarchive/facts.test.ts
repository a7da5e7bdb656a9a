import { describe, expect, it } from 'vitest';
import { unarchiveArgsSchema } from './args.js';
import { parseArchive } from './facts.js';
import { inferTargets } from './plan.js';

const H = 'a'.repeat(64);

describe('parseArchive', () => {
  it('reads members and their targets', () => {
    const out = [
      'A|ok',
      `M|file|755|${H}|file|700|${'b'.repeat(64)}|root:root|etcd`,
      `M|file|644|${H}|none||||with|pipe`,
      'M|dir|755||dir|755||root:staff|docs',
      'M|link|777|etcd|link|777|other|root:root|e',
    ].join('\n');
    expect(parseArchive(out, '')).toEqual({
      state: 'ok',
      members: [
        { path: 'etcd', type: 'file', mode: 0o755, sha256: H, dest: { exists: true, type: 'file', mode: 0o700, owner: 'root', group: 'root', sha256: 'b'.repeat(64) } },
        { path: 'with|pipe', type: 'file', mode: 0o644, sha256: H, dest: { exists: false } },
        { path: 'docs', type: 'dir', mode: 0o755, dest: { exists: true, type: 'dir', mode: 0o755, owner: 'root', group: 'staff' } },
        { path: 'e', type: 'link', mode: 0o777, target: 'etcd', dest: { exists: true, type: 'link', mode: 0o777, owner: 'root', group: 'root', target: 'other' } },
      ],
    });
  });
  it('reads a missing archive and a tar error', () => {
    expect(parseArchive('A|missing\n', '')).toEqual({ state: 'missing' });
    expect(parseArchive('A|error\n', 'tar: */x: Not found in archive\n')).toEqual({ state: 'error', message: 'tar: */x: Not found in archive' });
  });
  it('throws on output it does not understand', () => {
    expect(() => parseArchive('', 'sh: 1: tar: not found')).toThrow(/unexpected/);
  });
});

describe('inferTargets', () => {
  const t = (include: string[], stripComponents: number) => inferTargets(unarchiveArgsSchema.parse({ src: '/a.tgz', dest: '/d', include, stripComponents }));
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

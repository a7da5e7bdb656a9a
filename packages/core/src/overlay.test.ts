import { describe, expect, it } from 'vitest';
import { Overlay, changedPaths } from './overlay.js';

describe('overlay', () => {
  it('an unknown task may change what its facts read, not the directories above them', () => {
    expect(changedPaths(['/srv/p/o.txt', '/srv/p', '/srv/p/'])).toEqual(['/srv/p/o.txt']);
    expect(changedPaths(['/a', '/b/c'])).toEqual(['/a', '/b/c']);
    expect(changedPaths(['/', '/x'])).toEqual(['/x']);
  });
  it('`/` unknown makes every path unknown; an unknown path keeps the task it first depended on', () => {
    const o = new Overlay();
    o.record({ unknown: ['/'] }, 'first');
    expect(o.unknown('/etc/x')).toBe('depends on first, which would change /');
    const p = new Overlay();
    p.record({ unknown: ['/srv/o'] }, 'template');
    p.record({ unknown: ['/srv/o'] }, 'file');
    expect(p.unknown('/srv/o')).toBe('depends on template, which would change /srv/o');
    p.record({ paths: { '/srv/o': { exists: true } } }, 'copy');
    expect(p.unknown('/srv/o')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { attrChanges, attrScript, attrText, describeChanges } from './attrs.js';
import { newOwnership, parseIdentity } from './identity.js';
import { ancestors, normalizeHostPath } from './paths.js';

describe('attributes', () => {
  const have = { exists: true, type: 'file' as const, mode: 0o644, owner: 'root', group: 'root' };
  it('lists only the wanted attributes that differ', () => {
    expect(attrChanges(have, { mode: 0o644, owner: 'etcd' })).toEqual([{ attr: 'owner', before: 'root', after: 'etcd' }]);
    expect(attrChanges(have, {})).toEqual([]);
    expect(describeChanges(attrChanges(have, { mode: 0o600, group: 'etcd' }))).toBe('mode 0644 -> 0600, group root -> etcd');
  });
  it('builds chown before chmod (chown clears setuid bits), quoting paths', () => {
    const want = { mode: 0o4755, owner: 'etcd', group: 'etcd' };
    expect(attrScript("/opt/it's", attrChanges(have, want), want)).toBe(
      "chown -- etcd:etcd '/opt/it'\\''s' && chmod -- 4755 '/opt/it'\\''s'",
    );
    expect(attrScript('/x', attrChanges(have, { group: 'g' }), { group: 'g' }, { recurse: true })).toBe('chown -R -- :g /x');
  });
  it('writes diff text for the managed attributes', () => {
    expect(attrText(have, { mode: 0o600, owner: 'x' })).toBe('mode: 0644\nowner: root');
  });
});

describe('identity and paths', () => {
  it('parses id output and inherits the group of setgid directories', () => {
    const me = parseIdentity('admin\nadmin\n');
    expect(me).toEqual({ user: 'admin', group: 'admin' });
    expect(() => parseIdentity('')).toThrow(/remote user/);
    expect(newOwnership(me, { exists: true, type: 'dir', mode: 0o2775, group: 'staff' })).toEqual({ owner: 'admin', group: 'staff' });
    expect(newOwnership(me, { exists: true, type: 'dir', mode: 0o755, group: 'staff' })).toEqual({ owner: 'admin', group: 'admin' });
  });
  it('normalizes host paths and lists ancestors', () => {
    expect(normalizeHostPath('/etc//etcd/')).toBe('/etc/etcd');
    expect(ancestors('/var/lib/etcd')).toEqual(['/', '/var', '/var/lib']);
    expect(ancestors('/x')).toEqual(['/']);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from './load.js';
import { parseExtraVars, resolveInventory } from './resolve.js';
import { selectHosts } from './select.js';

const raw = {
  defaults: { user: 'admin', privateKeyPath: 'keys/id', knownHosts: '/k/known_hosts' },
  vars: { a: 'all', b: 'all', c: 'all' },
  hosts: {
    'controller-0': { address: '10.240.0.10', vars: { c: 'host' } },
    'controller-1': { address: '10.240.0.11', port: 2222, user: 'other' },
    worker: null,
  },
  groups: { controllers: { hosts: ['controller-0', 'controller-1'], vars: { b: 'group', c: 'group' } } },
};

describe('inventory', () => {
  it('merges defaults, groups, host vars and extra vars in that order', () => {
    const inv = resolveInventory(raw, '/inv/hosts.yaml', { a: 'extra' });
    const c0 = inv.hosts[0];
    expect(c0?.port).toBeUndefined();
    expect(c0).toMatchObject({
      name: 'controller-0',
      address: '10.240.0.10',
      user: 'admin',
      groups: ['controllers'],
      privateKeyPath: '/inv/keys/id',
      knownHosts: ['/k/known_hosts'],
      hostKeyChecking: 'strict',
    });
    expect(c0?.vars).toEqual({ a: 'extra', b: 'group', c: 'host' });
    expect(inv.hosts[1]).toMatchObject({ port: 2222, user: 'other' });
    expect(inv.hosts[2]).toMatchObject({ name: 'worker', address: 'worker', groups: [] });
    expect(inv.groups.all).toEqual(['controller-0', 'controller-1', 'worker']);
  });

  it.each([
    [{ hosts: { a: { adress: 'x' } } }, 'hosts.a.adress'],
    [{ hosts: { a: { port: 'x' } } }, 'hosts.a.port'],
    [{ hosts: { a: { address: 'bad host!' } } }, 'hosts.a.address'],
    [{ hosts: { a: {} }, groups: { g: { hosts: ['b'] } } }, 'groups.g.hosts'],
    [{ hosts: { a: { address: '1.2.3.4' }, b: { address: '1.2.3.4' } } }, 'hosts.b.address'],
    [{ hosts: { a: { hostKeyChecking: 'no' } } }, 'hosts.a.hostKeyChecking'],
    [{ host: {} }, ''],
  ])('rejects %j naming field %s', (bad, field) => {
    try {
      resolveInventory(bad, '/inv/hosts.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVENTORY_INVALID', file: '/inv/hosts.yaml' });
      if (field) expect((e as { field: string }).field).toBe(field);
    }
  });

  it('parses -e key=value with JSON values and dotted names', () => {
    expect(parseExtraVars(['a=1', 'b=x y', 'c=true', 'd.e=["q"]', 'f=01.2.3'])).toEqual({
      a: 1,
      b: 'x y',
      c: true,
      d: { e: ['q'] },
      f: '01.2.3',
    });
    expect(() => parseExtraVars(['novalue'])).toThrow(/key=value/);
    expect(() => parseExtraVars(['1x=2'])).toThrow(/not a valid name/);
  });

  it('selects hosts by group, name, glob and exclusion; unknown names are an error', () => {
    const inv = resolveInventory(raw, '/inv/hosts.yaml');
    expect(selectHosts(inv, 'controllers:!controller-1').map((h) => h.name)).toEqual(['controller-0']);
    expect(selectHosts(inv, 'controller-*,worker').map((h) => h.name)).toEqual(['controller-0', 'controller-1', 'worker']);
    expect(() => selectHosts(inv, 'controller-9', { strict: true, flag: '--limit' })).toThrow(/no host or group/);
  });

  it('loads YAML and reports syntax errors with the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-'));
    writeFileSync(join(dir, 'hosts.yaml'), 'hosts:\n  a: { address: 127.0.0.1 }\n');
    const inv = await loadInventory(dir);
    expect(inv.hosts.map((h) => h.name)).toEqual(['a']);
    writeFileSync(join(dir, 'hosts.yaml'), 'hosts:\n  a: [\n');
    await expect(loadInventory(dir)).rejects.toMatchObject({ code: 'INVENTORY_INVALID', file: join(dir, 'hosts.yaml') });
    await expect(loadInventory(join(dir, 'nope'))).rejects.toMatchObject({ code: 'INVENTORY_NOT_FOUND' });
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsplayError } from '../errors.js';
import { resolveInventory } from './resolve.js';

const hosts = { a: { address: '10.0.0.1' }, b: { address: '10.0.0.2' }, c: { address: '10.0.0.3' } };

function failure(raw: unknown): TsplayError {
  try {
    resolveInventory(raw, '/inv/hosts.yaml');
  } catch (e) {
    if (e instanceof TsplayError) return e;
    throw e;
  }
  throw new Error('expected the inventory to be refused');
}

describe('group children', () => {
  it('expands children transitively, whatever the order the groups are written in', () => {
    const inv = resolveInventory(
      { hosts, groups: { top: { children: ['mid'] }, mid: { children: ['leaf'], hosts: ['b'] }, leaf: { hosts: ['a'] } } },
      '/inv/hosts.yaml',
    );
    expect(inv.groups.top?.sort()).toEqual(['a', 'b']);
    expect(inv.groups.mid?.sort()).toEqual(['a', 'b']);
    expect(inv.hosts.find((h) => h.name === 'a')?.groups.sort()).toEqual(['leaf', 'mid', 'top']);
  });

  it('refuses g1 → g2 → g1 with INVENTORY_CYCLE naming the cycle', () => {
    const e = failure({ hosts, groups: { g1: { children: ['g2'], hosts: ['a'] }, g2: { children: ['g1'] } } });
    expect(e.code).toBe('INVENTORY_CYCLE');
    expect(e.message).toContain('g1 → g2 → g1');
    expect(e.field).toBe('groups.g2.children');
    expect(e.file).toBe('/inv/hosts.yaml');
    expect(e.hint).toContain('remove g1 from the children of g2');
  });

  it('refuses a group that is its own child, and a longer cycle below an innocent group', () => {
    expect(failure({ hosts, groups: { self: { children: ['self'] } } })).toMatchObject({
      code: 'INVENTORY_CYCLE',
      field: 'groups.self.children',
      message: expect.stringContaining('self → self'),
    });
    const e = failure({
      hosts,
      groups: { root: { children: ['x'] }, x: { children: ['y'] }, y: { children: ['z'] }, z: { children: ['x'] } },
    });
    expect(e.code).toBe('INVENTORY_CYCLE');
    expect(e.message).toContain('x → y → z → x');
    expect(e.message).not.toContain('root');
  });

  it('accepts a diamond (two paths to one group) and a child named all', () => {
    const inv = resolveInventory(
      {
        hosts,
        groups: {
          d: { children: ['l', 'r'] },
          l: { children: ['base'] },
          r: { children: ['base'] },
          base: { hosts: ['c'] },
          every: { children: ['all'] },
        },
      },
      '/inv/hosts.yaml',
    );
    expect(inv.groups.d).toEqual(['c']);
    expect(inv.groups.every?.sort()).toEqual(['a', 'b', 'c']);
  });

  it('still names an unknown child group', () => {
    expect(failure({ hosts, groups: { g: { children: ['nope'] } } })).toMatchObject({
      code: 'INVENTORY_INVALID',
      field: 'groups.g.children',
    });
  });
});

describe('ssh connection fields', () => {
  it('resolves keepalive, ssh config file and host key alias (host over defaults; config path against the inventory dir)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-ssh-'));
    mkdirSync(join(dir, 'ssh'));
    writeFileSync(join(dir, 'ssh', 'config'), '');
    writeFileSync(join(dir, 'other_config'), '');
    const inv = resolveInventory(
      {
        defaults: { serverAliveInterval: 2, serverAliveCountMax: 4, sshConfigFile: 'ssh/config', hostKeyAlias: 'default-alias' },
        hosts: {
          a: { address: '10.0.0.1', serverAliveInterval: 0.5, hostKeyAlias: 'compute.123' },
          b: { address: '10.0.0.2', sshConfigFile: join(dir, 'other_config') },
        },
      },
      join(dir, 'hosts.yaml'),
    );
    expect(inv.hosts[0]).toMatchObject({
      serverAliveInterval: 0.5,
      serverAliveCountMax: 4,
      sshConfigFile: join(dir, 'ssh', 'config'),
      hostKeyAlias: 'compute.123',
    });
    expect(inv.hosts[1]).toMatchObject({ serverAliveInterval: 2, sshConfigFile: join(dir, 'other_config'), hostKeyAlias: 'default-alias' });
  });

  it('a named ssh config file that does not exist is refused before any connection, naming where it was set', () => {
    expect(failure({ defaults: { sshConfigFile: 'nope/config' }, hosts })).toMatchObject({
      code: 'INVENTORY_INVALID',
      field: 'defaults.sshConfigFile',
      message: expect.stringContaining('/inv/nope/config'),
    });
    expect(failure({ hosts: { a: { address: '10.0.0.1', sshConfigFile: '/nonexistent/cfg' } } })).toMatchObject({
      field: 'hosts.a.sshConfigFile',
    });
  });

  it.each([
    [{ serverAliveInterval: 0 }, 'hosts.a.serverAliveInterval'],
    [{ serverAliveInterval: '5' }, 'hosts.a.serverAliveInterval'],
    [{ serverAliveCountMax: 0 }, 'hosts.a.serverAliveCountMax'],
    [{ serverAliveCountMax: 1.5 }, 'hosts.a.serverAliveCountMax'],
    [{ sshConfigFile: '' }, 'hosts.a.sshConfigFile'],
    [{ hostKeyAlias: 'two names' }, 'hosts.a.hostKeyAlias'],
    [{ hostKeyAlias: 'compute.*' }, 'hosts.a.hostKeyAlias'],
  ])('rejects %j naming %s', (fields, field) => {
    expect(failure({ hosts: { a: { address: '10.0.0.1', ...fields } } })).toMatchObject({ code: 'INVENTORY_INVALID', field });
  });
});

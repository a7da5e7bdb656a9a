import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionFields, plainVars } from './ansible-connection.js';
import { loadInventory } from './load.js';
import { resolveInventory } from './resolve.js';

describe('connectionAttempts (issue 29)', () => {
  it('comes from defaults, a host overrides it, and it is unset when neither says', () => {
    const inv = resolveInventory(
      { defaults: { connectionAttempts: 3 }, hosts: { a: { address: '10.0.0.1' }, b: { address: '10.0.0.2', connectionAttempts: 5 } } },
      '/inv/hosts.yaml',
    );
    expect(inv.hosts.map((h) => h.connectionAttempts)).toEqual([3, 5]);
    expect(resolveInventory({ hosts: { a: { address: '10.0.0.1' } } }, '/inv/hosts.yaml').hosts[0]?.connectionAttempts).toBeUndefined();
  });

  it.each([
    [{ defaults: { connectionAttempts: 0 }, hosts: { a: {} } }, 'defaults.connectionAttempts'],
    [{ hosts: { a: { connectionAttempts: 1.5 } } }, 'hosts.a.connectionAttempts'],
    [{ hosts: { a: { connectionAttempts: '3' } } }, 'hosts.a.connectionAttempts'],
    [{ hosts: { a: { connectionAttempts: -1 } } }, 'hosts.a.connectionAttempts'],
  ])('rejects %j naming field %s', (bad, field) => {
    expect(() => resolveInventory(bad, '/inv/hosts.yaml')).toThrow(expect.objectContaining({ code: 'INVENTORY_INVALID', field }));
  });

  it('maps ansible_ssh_retries (N retries) to N + 1 attempts, a string of digits too, and takes it out of the vars', () => {
    expect(connectionFields({ ansible_ssh_retries: 2 }, 'h', '/i/hosts.ini')).toEqual({ connectionAttempts: 3 });
    expect(connectionFields({ ansible_ssh_retries: ' 0 ' }, 'h', '/i/hosts.ini')).toEqual({ connectionAttempts: 1 });
    expect(connectionFields({}, 'h', '/i/hosts.ini')).toEqual({});
    expect(plainVars({ ansible_ssh_retries: 2, other: 1 })).toEqual({ other: 1 });
  });

  it.each([['x'], [-1], [1.5], [true]])('refuses ansible_ssh_retries=%j naming the var', (v) => {
    expect(() => connectionFields({ ansible_ssh_retries: v }, 'h', '/i/hosts.ini')).toThrow(
      expect.objectContaining({ code: 'INVENTORY_INVALID', field: 'h.ansible_ssh_retries', file: '/i/hosts.ini' }),
    );
  });

  it('reads ansible_ssh_retries from an INI inventory ([all:vars] and a host line)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-retries-'));
    const f = join(dir, 'hosts.ini');
    writeFileSync(
      f,
      '[web]\nw1 ansible_host=10.0.0.1\nw2 ansible_host=10.0.0.2 ansible_ssh_retries=4\n\n[all:vars]\nansible_ssh_retries=1\n',
    );
    const inv = await loadInventory(f);
    expect(inv.hosts.map((h) => [h.name, h.connectionAttempts])).toEqual([
      ['w1', 2],
      ['w2', 5],
    ]);
    expect(inv.hosts[0]?.vars.ansible_ssh_retries).toBeUndefined();
  });
});

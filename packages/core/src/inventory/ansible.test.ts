import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandHostnameRange } from './ansible-address.js';
import { loadInventory } from './load.js';
import type { Inventory } from './schema.js';

const fx = (f: string) => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ansible', f);
const host = (inv: Inventory, name: string) => {
  const h = inv.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name}`);
  return h;
};

describe('Ansible INI inventories', () => {
  it('a Kubespray-style inventory: [all] with addresses, role groups, :children, all:vars mapped to connection fields', async () => {
    const inv = await loadInventory(fx('kubespray.ini'));
    expect(inv.hosts.map((h) => [h.name, h.address])).toEqual([
      ['node1', '95.54.0.12'],
      ['node2', '95.54.0.13'],
      ['node3', '95.54.0.14'],
      ['node4', '95.54.0.15'],
      ['node5', '95.54.0.16'],
      ['node6', '95.54.0.17'],
    ]);
    expect(inv.groups).toEqual({
      all: ['node1', 'node2', 'node3', 'node4', 'node5', 'node6'],
      kube_control_plane: ['node1', 'node2', 'node3'],
      etcd: ['node1', 'node2', 'node3'],
      kube_node: ['node4', 'node5', 'node6'],
      calico_rr: [],
      k8s_cluster: ['node1', 'node2', 'node3', 'node4', 'node5', 'node6'],
    });
    const n1 = host(inv, 'node1');
    expect([n1.user, n1.become, n1.privateKeyPath, n1.port, n1.connection]).toEqual([
      'ubuntu',
      true,
      fx('keys/cluster.pem'),
      undefined,
      'ssh',
    ]);
    expect(n1.vars).toEqual({ ip: '10.3.0.1', etcd_member_name: 'etcd1' });
    expect(host(inv, 'node4').vars).toEqual({ ip: '10.3.0.4', etcd_member_name: '', node_labels: 'role=worker' });
    expect(host(inv, 'node6').vars).toEqual({ ip: '10.3.0.6', node_labels: 'role=worker' });
    expect(host(inv, 'node5').groups.sort()).toEqual(['k8s_cluster', 'kube_node']);
  });

  it('ranges, ungrouped hosts, literal host vars, string :vars, child groups overriding parents, become user, local', async () => {
    const inv = await loadInventory(fx('webservers.ini'));
    expect(inv.hosts.map((h) => h.name)).toEqual([
      'mail.example.com',
      'www01.example.com',
      'www02.example.com',
      'www03.example.com',
      'web-a.example.com',
      'web-b.example.com',
      'db-0.example.com',
      'db-2.example.com',
      'db-4.example.com',
      'local',
    ]);
    expect(inv.groups.ungrouped).toEqual(['mail.example.com']);
    expect(inv.groups.southeast).toHaveLength(9);
    const mail = host(inv, 'mail.example.com');
    expect([mail.port, mail.user, mail.vars]).toEqual([2222, undefined, {}]);
    const www = host(inv, 'www02.example.com');
    // southeast's ansible_user applies to its children's hosts; host-line numbers stay numbers
    expect([www.user, www.port, www.vars]).toEqual([
      'deploy',
      undefined,
      { http_port: 8080, maxRequestsPerChild: 808, ntp_server: 'ntp.southeast.example.com' },
    ]);
    const db = host(inv, 'db-2.example.com');
    // the host line beats dbservers:vars, which beats its parent southeast:vars
    expect([db.user, db.port, db.become]).toEqual(['postgres', 5022, 'postgres']);
    expect(db.vars).toEqual({ backup_dir: '/var/backups/db', ntp_server: 'ntp.southeast.example.com' });
    expect(host(inv, 'local').connection).toBe('local');
  });

  it('a bad line is INVENTORY_INVALID naming the file and its line number', async () => {
    const err = await loadInventory(fx('bad.ini')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVENTORY_INVALID', field: 'line 6', file: fx('bad.ini') });
    // Ansible: "hosts.ini:6: Expected key=value, got: this line is not a var"
    expect((err as Error).message).toContain('bad.ini:6: expected key=value, got: this line is not a var');
  });

  // each of these is refused by ansible-inventory 2.14 too (with the same reason and line)
  it('other bad input: a host word without =, a bad range, a group that is its own child, an unterminated quote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ini-'));
    const cases: [string, string, RegExp][] = [
      ['[a]\nh1 ansible_host\n', 'INVENTORY_INVALID', /:2: expected key=value host variable assignment, got: ansible_host/],
      ['[a]\nweb[05:1]\n', 'INVENTORY_RANGE_INVALID', /:2: host range must specify equal-length begin and end formats/],
      ['[a:children]\nb\n[b:children]\na\n', 'INVENTORY_CYCLE', /:4: adding group a as child to b creates a recursive dependency loop/],
      ["[a]\nh1 x='open\n", 'INVENTORY_INVALID', /:2: error parsing host definition .*no closing quotation/],
      ['[a\n', 'INVENTORY_RANGE_INVALID', /:1: host range in \[a is not closed/],
    ];
    for (const [i, [text, code, want]] of cases.entries()) {
      const f = join(dir, `case${i}.ini`);
      writeFileSync(f, text);
      await expect(loadInventory(f)).rejects.toMatchObject({ code, message: expect.stringMatching(want) });
    }
  });

  it('expandHostnameRange: widths, letters, strides, several ranges', () => {
    expect(expandHostnameRange('web[08:11]')).toEqual(['web08', 'web09', 'web10', 'web11']);
    expect(expandHostnameRange('n[1:3]')).toEqual(['n1', 'n2', 'n3']);
    expect(expandHostnameRange('x-[a:c]')).toEqual(['x-a', 'x-b', 'x-c']);
    expect(expandHostnameRange('r[0:6:3]')).toEqual(['r0', 'r3', 'r6']);
    expect(expandHostnameRange('r[1:2]-[a:b]')).toEqual(['r1-a', 'r1-b', 'r2-a', 'r2-b']);
    // Ansible: a start after the end is an empty range (Python's range()), not an error
    expect(expandHostnameRange('r[3:1]')).toEqual([]);
    expect(() => expandHostnameRange('r[001:10]')).toThrow('equal-length');
  });
});

describe('Ansible YAML inventories', () => {
  it('all: with hosts, nested children and vars resolves to the expected hosts, groups and vars', async () => {
    const inv = await loadInventory(fx('hosts.yml'));
    expect(inv.hosts.map((h) => h.name)).toEqual(['bastion.example.com', 'cp1', 'cp2', 'cp3', 'worker1', 'worker2']);
    expect(inv.groups).toEqual({
      all: ['bastion.example.com', 'cp1', 'cp2', 'cp3', 'worker1', 'worker2'],
      k8s_cluster: ['cp1', 'cp2', 'cp3', 'worker1', 'worker2'],
      etcd: ['cp1', 'cp2', 'cp3'],
      kube_control_plane: ['cp1', 'cp2', 'cp3'],
      kube_node: ['worker1', 'worker2'],
      // ansible-inventory: a host only under all: hosts: is in ungrouped
      ungrouped: ['bastion.example.com'],
    });
    const b = host(inv, 'bastion.example.com');
    expect([b.address, b.port, b.user, b.vars]).toEqual(['bastion.example.com', 2200, 'admin', { ntp_server: 'ntp.example.com' }]);
    const cp1 = host(inv, 'cp1');
    expect([cp1.user, cp1.privateKeyPath]).toEqual(['admin', '/keys/cp.pem']);
    expect(cp1.vars).toEqual({ ntp_server: 'ntp.example.com', cluster_name: 'prod', etcd_member_name: 'etcd1' });
    const w1 = host(inv, 'worker1');
    expect([w1.address, w1.user]).toEqual(['10.0.1.21', 'node-admin']);
    expect(w1.vars).toEqual({ ntp_server: 'ntp.example.com', cluster_name: 'prod', node_labels: { tier: 'frontend' } });
  });

  it('an unknown key in a group is INVENTORY_INVALID naming its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ayml-'));
    const f = join(dir, 'inv.yml');
    writeFileSync(f, 'all:\n  children:\n    web:\n      host:\n        w1:\n');
    await expect(loadInventory(f)).rejects.toMatchObject({
      code: 'INVENTORY_INVALID',
      field: 'line 4',
      message: expect.stringContaining('all.children.web.host: unknown key'),
    });
  });

  it('tsplay YAML inventories are not taken for Ansible ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-tyml-'));
    const f = join(dir, 'hosts.yaml');
    writeFileSync(f, 'defaults: { connection: local }\nhosts:\n  a:\ngroups:\n  g: { hosts: [a] }\n');
    const inv = await loadInventory(f);
    expect(inv.groups).toEqual({ all: ['a'], g: ['a'] });
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from './load.js';
import { parseYaml11 } from './yaml11.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe('parseYaml11: YAML as PyYAML (Ansible) reads it', () => {
  it('matches PyYAML safe_load on 1.1 scalars (table recorded from Python 3.11, PyYAML 6)', () => {
    const src =
      "a: 0755\nb: 08\nc: 0o17\nd: y\ne: yes\nf: Off\ng: 1:30\nh: 1e3\ni: 1.0e+3\nj: 1_000\nk: 0x1F\nl: 0b101\nm: ~\nn: 2001-12-14\no: 2001-12-14 21:59:43.10 -5\np: '0755'\nq: -0755\nr: 190:20:30.15\ns: .5\nt: 0\nu: 1.\nv: 09.5\n";
    const python = JSON.parse(
      '{"a": 493, "b": "08", "c": "0o17", "d": "y", "e": true, "f": false, "g": 90, "h": "1e3", "i": 1000.0, "j": 1000, "k": 31, "l": 5, "m": null, "n": "2001-12-14", "o": "2001-12-14T21:59:43.100000-05:00", "p": "0755", "q": -493, "r": 685230.15, "s": 0.5, "t": 0, "u": 1.0, "v": 9.5}',
    );
    expect(parseYaml11(src, 'x.yml')).toEqual(python);
  });
  it('a syntax error names the file and line', () => {
    expect(() => parseYaml11('a: 1\nb: [\n', 'f.yml')).toThrow(expect.objectContaining({ code: 'INVENTORY_INVALID', file: 'f.yml' }));
  });
});

describe("tsplay's own YAML inventories", () => {
  it('a leading-zero number is INVENTORY_AMBIGUOUS_NUMBER with its file and line, never decimal', async () => {
    const dir = tree({ 'hosts.yaml': 'defaults: { connection: local }\nhosts:\n  a:\n    vars:\n      mode: 0755\n' });
    await expect(loadInventory(dir)).rejects.toMatchObject({
      code: 'INVENTORY_AMBIGUOUS_NUMBER',
      file: join(dir, 'hosts.yaml'),
      field: 'line 5',
      message: expect.stringContaining('hosts.yaml:5: 0755'),
    });
  });
  it('stays YAML 1.2 otherwise: 0o755 is octal, yes a string, a quoted 0755 a string', async () => {
    const dir = tree({
      'hosts.yaml': "defaults: { connection: local }\nhosts:\n  a:\n    vars: { m: 0o755, y: yes, q: '0755', t: true }\n",
    });
    const inv = await loadInventory(dir);
    expect(inv.hosts[0]?.vars).toEqual({ m: 493, y: 'yes', q: '0755', t: true });
  });
  it('group_vars/ and host_vars/ beside it and beside the playbook: vars < all < group vars < group file < host vars < host file < playbook files < -e', async () => {
    const dir = tree({
      'inv/hosts.yaml':
        'defaults: { connection: local }\nvars: { v1: inv, v2: inv, v3: inv, v4: inv, v5: inv, v6: inv, v7: inv }\nhosts:\n  h1:\n    vars: { v5: host, v6: host }\n  h2:\ngroups:\n  web: { hosts: [h1], vars: { v3: group, v4: group } }\n',
      'inv/group_vars/all.yml': 'v2: all-file\nv3: all-file\nflag: yes\n',
      'inv/group_vars/web/main.yml': 'v4: web-file\nv5: web-file\n',
      'inv/host_vars/h1.yml': 'v6: host-file\nv7: host-file\n',
      'pb/host_vars/h1.yml': 'v7: playbook-host-file\n',
      'pb/group_vars/all.yml': 'v8: playbook-all\n',
    });
    const inv = await loadInventory(join(dir, 'inv'), { v9: 'extra' }, undefined, { playbookDir: join(dir, 'pb') });
    expect(inv.hosts.find((h) => h.name === 'h1')?.vars).toEqual({
      v1: 'inv',
      v2: 'all-file',
      v3: 'group',
      v4: 'web-file',
      v5: 'host',
      v6: 'host-file',
      v7: 'playbook-host-file',
      v8: 'playbook-all',
      v9: 'extra',
      flag: true,
    });
    expect(inv.hosts.find((h) => h.name === 'h2')?.vars).toEqual({
      v1: 'inv',
      v2: 'all-file',
      v3: 'all-file',
      v4: 'inv',
      v5: 'inv',
      v6: 'inv',
      v7: 'inv',
      v8: 'playbook-all',
      v9: 'extra',
      flag: true,
    });
    // the ansible view of the same inventory
    expect(inv.ansible).toMatchObject({ all: { children: ['ungrouped', 'web'] }, ungrouped: { hosts: ['h2'] }, web: { hosts: ['h1'] } });
    expect(inv.ansible?._meta.hostvars.h1).toMatchObject({ ansible_connection: 'local', v7: 'playbook-host-file' });
  });
  it('an ansible_* connection var in group_vars beside a tsplay inventory is an error, not a silent var', async () => {
    const dir = tree({ 'hosts.yaml': 'hosts:\n  h1: { address: 10.0.0.1 }\n', 'group_vars/all.yml': 'ansible_user: ubuntu\n' });
    await expect(loadInventory(dir)).rejects.toMatchObject({ code: 'INVENTORY_INVALID', field: 'group_vars/all.ansible_user' });
  });
});

describe('Ansible inventories: group_vars connection vars become connection fields', () => {
  it('ansible_user and ansible_become in group_vars/webservers.yml (the issue’s lost sudo) are applied', async () => {
    const dir = tree({
      hosts: '[webservers]\nweb1 ansible_host=10.9.0.1\n',
      'group_vars/webservers.yml': 'ansible_user: ubuntu\nansible_become: yes\n',
    });
    const inv = await loadInventory(join(dir, 'hosts'));
    expect(inv.hosts.map((h) => [h.name, h.address, h.user, h.become])).toEqual([['web1', '10.9.0.1', 'ubuntu', true]]);
  });
});

describe('encrypted vars beside an inventory', () => {
  it('an ansible-vault file in group_vars is INVENTORY_ENCRYPTED_VARS, not its ciphertext as vars', async () => {
    const dir = tree({ 'hosts.ini': '[web]\nw1\n', 'group_vars/web.yml': '$ANSIBLE_VAULT;1.1;AES256\n6162\n' });
    await expect(loadInventory(join(dir, 'hosts.ini'))).rejects.toMatchObject({
      code: 'INVENTORY_ENCRYPTED_VARS',
      file: join(dir, 'group_vars/web.yml'),
    });
  });
  it('a !vault value is INVENTORY_ENCRYPTED_VARS with its line', async () => {
    const dir = tree({ 'hosts.ini': '[web]\nw1\n', 'host_vars/w1.yml': 'a: 1\npw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n' });
    await expect(loadInventory(join(dir, 'hosts.ini'))).rejects.toMatchObject({ code: 'INVENTORY_ENCRYPTED_VARS', field: 'line 2' });
  });
});

describe('TS inventories', () => {
  it('get group_vars/ and host_vars/ beside them too', async () => {
    const dir = tree({
      'index.ts': '// loaded through the importer below\n',
      'group_vars/web.yml': 'mode: 0755\n',
      'host_vars/h1.json': '{"color": "blue"}\n',
    });
    const inv = await loadInventory(dir, {}, async () => ({
      default: () => ({ defaults: { connection: 'local' }, hosts: { h1: null }, groups: { web: { hosts: ['h1'] } } }),
    }));
    expect(inv.hosts[0]?.vars).toEqual({ mode: 493, color: 'blue' });
  });
});

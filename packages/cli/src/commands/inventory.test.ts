import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inventoryCommand } from './inventory.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'core', 'src', 'inventory', 'fixtures', 'ansible-corpus');

describe('tsplay inventory --format ansible', () => {
  it('prints what ansible-inventory --list --playbook-dir printed (recorded), group_vars and host_vars of both places included', async () => {
    const c = join(corpus, '38-dir-playbook-vars');
    const out = await inventoryCommand({ inventory: join(c, 'hosts.ini'), format: 'ansible', playbookDir: join(c, 'playbook') });
    expect(JSON.parse(out)).toEqual(JSON.parse(readFileSync(join(c, 'expected.json'), 'utf8')));
  });
  it('--host with --format ansible prints that host’s vars, as ansible-inventory --host does', async () => {
    const c = join(corpus, '33-dir-group-vars-basic');
    const want = JSON.parse(readFileSync(join(c, 'expected.json'), 'utf8'))._meta.hostvars.web1;
    expect(JSON.parse(await inventoryCommand({ inventory: join(c, 'hosts.ini'), format: 'ansible', host: 'web1' }))).toEqual(want);
    expect(want).toMatchObject({ ansible_user: 'ubuntu', ansible_become: true });
  });
  it('an unknown --format is a USAGE error', async () => {
    await expect(inventoryCommand({ inventory: join(corpus, '01-ini-basic'), format: 'toml' })).rejects.toMatchObject({
      code: 'USAGE',
      field: '--format',
    });
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadInventory } from './load.js';
import type { AnsibleListing } from './schema.js';

/**
 * The differential test: every inventory of the corpus against what `ansible-inventory --list`
 * (Debian's ansible-core, see ANSIBLE_VERSION) printed for it, recorded by scripts/ansible-corpus.sh.
 * Accepted ones must give the same JSON from `tsplay inventory --format ansible` and the connection
 * fields Ansible's vars mean; refused ones a coded error on the line Ansible names.
 */
const corpus = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ansible-corpus');
const cases = readdirSync(corpus)
  .filter((d) => statSync(join(corpus, d)).isDirectory())
  .sort();
const INVENTORY_FILES = ['hosts', 'hosts.ini', 'inventory.ini', 'hosts.yml', 'hosts.yaml', 'hosts.json'];
const inventoryOf = (dir: string) => {
  const f = INVENTORY_FILES.find((c) => existsSync(join(corpus, dir, c)));
  if (!f) throw new Error(`${dir} has no inventory file`);
  return join(corpus, dir, f);
};
const playbookDir = (dir: string) => (existsSync(join(corpus, dir, 'playbook')) ? join(corpus, dir, 'playbook') : undefined);
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as unknown;

/** What Ansible's ssh connection makes of a host's vars (the later alias wins), written apart from the loader's mapping. */
function expectedConnection(name: string, v: Record<string, unknown>) {
  const pick = (...keys: string[]) =>
    keys
      .map((k) => v[k])
      .filter((x) => x !== undefined && x !== null)
      .at(-1);
  const local = v.ansible_connection === 'local';
  const port = pick('ansible_port', 'ansible_ssh_port');
  const become = v.ansible_become;
  const on = become === true || (typeof become === 'string' && ['yes', 'true', 'on', '1', 'y', 't'].includes(become.toLowerCase()));
  return {
    address: String(pick('ansible_host', 'ansible_ssh_host') ?? (local ? 'localhost' : name)),
    port: port === undefined ? undefined : Number(port),
    user: pick('ansible_user', 'ansible_ssh_user'),
    become: become === undefined ? undefined : on ? (v.ansible_become_user ?? true) : false,
    connection: local ? 'local' : 'ssh',
  };
}

describe('Ansible inventory corpus, against recorded ansible-inventory --list', () => {
  it('has at least 40 inventories, every one with Ansible’s recorded verdict', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases)
      expect([c, existsSync(join(corpus, c, 'expected.json')) !== existsSync(join(corpus, c, 'ansible-error.txt'))]).toEqual([c, true]);
    // a case tsplay must refuse is one Ansible refused too
    for (const c of cases.filter((x) => existsSync(join(corpus, x, 'refused.json'))))
      expect([c, existsSync(join(corpus, c, 'ansible-error.txt'))]).toEqual([c, true]);
  });

  for (const c of cases.filter((x) => existsSync(join(corpus, x, 'expected.json')))) {
    it(`${c}: the same hosts, groups and vars as Ansible`, async () => {
      const want = json(join(corpus, c, 'expected.json')) as AnsibleListing;
      const inv = await loadInventory(inventoryOf(c), {}, undefined, { playbookDir: playbookDir(c) });
      expect(inv.ansible).toEqual(want);
      const names = new Set(Object.entries(want).flatMap(([g, e]) => (g === '_meta' ? [] : ((e as { hosts?: string[] }).hosts ?? []))));
      expect(inv.hosts.map((h) => h.name).sort()).toEqual([...names].sort());
      for (const h of inv.hosts) {
        const got = { address: h.address, port: h.port, user: h.user, become: h.become, connection: h.connection };
        expect([h.name, got]).toEqual([h.name, expectedConnection(h.name, want._meta.hostvars[h.name] ?? {})]);
      }
    });
  }

  for (const c of cases.filter((x) => existsSync(join(corpus, x, 'refused.json')))) {
    it(`${c}: refused with a coded error on the line Ansible names`, async () => {
      const { code, line } = json(join(corpus, c, 'refused.json')) as { code: string; line: number };
      const ansibleLine = /^[^\s:]+:(\d+):/.exec(readFileSync(join(corpus, c, 'ansible-error.txt'), 'utf8'));
      if (ansibleLine) expect(Number(ansibleLine[1])).toBe(line);
      const err = await loadInventory(inventoryOf(c)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code, field: `line ${line}`, file: inventoryOf(c) });
      expect((err as Error).message).toContain(`:${line}:`);
    });
  }
});

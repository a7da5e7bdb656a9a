/**
 * The lab inventory (tsplay's hosts.yaml) as an Ansible YAML inventory, written at run time so both
 * tools always see the same hosts, addresses, keys, known_hosts and vars.
 * Vars are renamed camelCase -> snake_case (etcdCaFile -> etcd_ca_file). JSON is valid YAML.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadInventory, type Inventory, type ResolvedHost } from '@tsplay/core';

export const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const shq = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function hostVars(h: ResolvedHost): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(h.vars)) v[snake(k)] = x;
  if (h.connection === 'local') return { ...v, ansible_connection: 'local' };
  const ssh: string[] = [];
  if (h.knownHosts?.length) ssh.push('-o', shq(`UserKnownHostsFile=${h.knownHosts.join(' ')}`));
  ssh.push('-o', `StrictHostKeyChecking=${h.hostKeyChecking === 'strict' ? 'yes' : 'accept-new'}`);
  return {
    ...v,
    ansible_host: h.address,
    ansible_port: h.port,
    ...(h.user ? { ansible_user: h.user } : {}),
    ...(h.privateKeyPath ? { ansible_ssh_private_key_file: h.privateKeyPath } : {}),
    ansible_ssh_common_args: ssh.join(' '),
  };
}

/** Pure: the Ansible inventory object for a resolved tsplay inventory. */
export function toAnsibleInventory(inv: Inventory): Record<string, unknown> {
  const hosts: Record<string, unknown> = {};
  for (const h of inv.hosts) hosts[h.name] = hostVars(h);
  const children: Record<string, unknown> = {};
  for (const [g, members] of Object.entries(inv.groups)) {
    if (g === 'all' || g === 'ungrouped') continue;
    children[g] = { hosts: Object.fromEntries(members.map((m) => [m, null])) };
  }
  return { all: { hosts, children } };
}

/** Read a tsplay inventory (file or dir) and write its Ansible form to `out`. */
export async function writeAnsibleInventory(from: string, out: string): Promise<Inventory> {
  const inv = await loadInventory(from);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.tmp`, `${JSON.stringify(toAnsibleInventory(inv), null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  return inv;
}

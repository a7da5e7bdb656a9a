import { resolve } from 'node:path';
import { loadInventory, TsplayError } from '@tsplay/core';
import { parseExtraVars, selectHosts } from '@tsplay/core/engine';
import type { Argv, CommandModule } from 'yargs';
import { importTs } from '../loader.js';
import { inventoryDecryptor, secretFlagsFrom, withKeyOptions, type SecretFlags } from './secrets.js';

/**
 * `tsplay inventory -i INV --list`: the resolved hosts and vars as JSON (no host is contacted).
 * `--format ansible` prints the shape of `ansible-inventory --list` (`_meta.hostvars`, `all.children`,
 * `ungrouped`, groups with their direct `hosts` and `children`), so the two tools can be diffed.
 */
export async function inventoryCommand(a: {
  inventory: string;
  host?: string | undefined;
  extraVars?: string[] | undefined;
  format?: string | undefined;
  playbookDir?: string | undefined;
  /** The keys of encrypted group_vars/host_vars (their values print as `***`). */
  secrets?: SecretFlags | undefined;
}): Promise<string> {
  const format = a.format ?? 'tsplay';
  if (format !== 'tsplay' && format !== 'ansible')
    throw new TsplayError('USAGE', `--format must be tsplay or ansible, got ${format}`, {
      field: '--format',
      hint: 'e.g. --format ansible',
    });
  const inv = await loadInventory(a.inventory, parseExtraVars(a.extraVars ?? []), importTs, {
    playbookDir: a.playbookDir === undefined ? undefined : resolve(a.playbookDir),
    decryptVars: inventoryDecryptor(a.secrets ?? {}),
  });
  if (a.host) {
    const [h] = selectHosts(inv, a.host, { strict: true, flag: '--host' });
    if (format === 'ansible') return JSON.stringify(inv.ansible?._meta.hostvars[h?.name ?? ''] ?? {}, null, 4);
    return JSON.stringify(h, null, 2);
  }
  if (format === 'ansible') return JSON.stringify(inv.ansible, null, 4);
  return JSON.stringify({ source: inv.source, groups: inv.groups, hosts: Object.fromEntries(inv.hosts.map((h) => [h.name, h])) }, null, 2);
}

export const inventoryCommandModule = (out: (s: string) => void): CommandModule =>
  ({
    command: 'inventory',
    describe: 'show the resolved inventory as JSON (contacts no host)',
    builder: (y: Argv) =>
      withKeyOptions(y)
        .option('inventory', { alias: 'i', type: 'string', demandOption: true })
        .option('list', { type: 'boolean', default: true, describe: 'all hosts with their vars' })
        .option('host', { type: 'string', describe: 'one host' })
        .option('format', {
          type: 'string',
          choices: ['tsplay', 'ansible'],
          default: 'tsplay',
          describe: 'ansible: the JSON of ansible-inventory --list',
        })
        .option('playbook-dir', {
          type: 'string',
          describe: 'also read group_vars/ and host_vars/ there (as ansible-inventory --playbook-dir)',
        })
        .option('extra-vars', { alias: 'e', type: 'string', array: true }),
    handler: async (argv: Record<string, unknown>) => {
      out(
        await inventoryCommand({
          inventory: String(argv.inventory),
          host: argv.host as string | undefined,
          extraVars: argv['extra-vars'] as string[] | undefined,
          format: argv.format as string | undefined,
          playbookDir: argv['playbook-dir'] as string | undefined,
          secrets: secretFlagsFrom(argv),
        }),
      );
    },
  }) as CommandModule;

import { loadInventory, parseExtraVars, selectHosts } from '@tsplay/core';
import type { Argv, CommandModule } from 'yargs';
import { importTs } from '../loader.js';

/** `tsplay inventory -i INV --list`: the resolved hosts and vars as JSON (no host is contacted). */
export async function inventoryCommand(a: { inventory: string; host?: string | undefined; extraVars?: string[] | undefined }): Promise<string> {
  const inv = await loadInventory(a.inventory, parseExtraVars(a.extraVars ?? []), importTs);
  if (a.host) {
    const [h] = selectHosts(inv, a.host, { strict: true, flag: '--host' });
    return JSON.stringify(h, null, 2);
  }
  return JSON.stringify({ source: inv.source, groups: inv.groups, hosts: Object.fromEntries(inv.hosts.map((h) => [h.name, h])) }, null, 2);
}

export const inventoryCommandModule = (out: (s: string) => void): CommandModule =>
  ({
    command: 'inventory',
    describe: 'show the resolved inventory as JSON (contacts no host)',
    builder: (y: Argv) =>
      y
        .option('inventory', { alias: 'i', type: 'string', demandOption: true })
        .option('list', { type: 'boolean', default: true, describe: 'all hosts with their vars' })
        .option('host', { type: 'string', describe: 'one host' })
        .option('extra-vars', { alias: 'e', type: 'string', array: true }),
    handler: async (argv: Record<string, unknown>) => {
      out(
        await inventoryCommand({
          inventory: String(argv.inventory),
          host: argv.host as string | undefined,
          extraVars: argv['extra-vars'] as string[] | undefined,
        }),
      );
    },
  }) as CommandModule;

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TsplayError } from '../errors.js';
import { isAnsibleYaml, parseAnsibleYaml } from './ansible-yaml.js';
import { parseAnsibleIni } from './ansible-ini.js';
import { resolveInventory } from './resolve.js';
import type { Inventory } from './schema.js';

export type ModuleImporter = (path: string) => Promise<Record<string, unknown>>;

const CANDIDATES = ['index.ts', 'index.js', 'hosts.yaml', 'hosts.yml', 'hosts.json', 'hosts.ini', 'inventory.ini', 'hosts'];

/** Find the inventory file for a path: a file, or a directory holding index.ts / hosts.yaml. */
export function findInventoryFile(path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs))
    throw new TsplayError('INVENTORY_NOT_FOUND', `inventory ${path} does not exist`, {
      file: abs,
      hint: 'pass -i with a directory holding hosts.yaml or index.ts, or a .yaml/.ts file, or an Ansible inventory (hosts.ini, hosts.yml)',
    });
  if (statSync(abs).isFile()) return abs;
  for (const c of CANDIDATES) if (existsSync(join(abs, c))) return join(abs, c);
  throw new TsplayError('INVENTORY_NOT_FOUND', `inventory directory ${path} has no ${CANDIDATES.join(', ')}`, { file: abs, hint: 'add hosts.yaml (defaults, vars, hosts, groups), or point -i at an Ansible inventory file' });
}

/** An Ansible INI file: `.ini`, or a file without extension (`hosts`, `inventory`). */
const isIni = (file: string) => /\.ini$/.test(file) || !/\.[A-Za-z0-9]+$/.test(file.split('/').pop() ?? '');

/**
 * Load and resolve an inventory: tsplay YAML/JSON, a TS/JS module whose default export is the
 * inventory or a function returning it, or an Ansible inventory (INI, or YAML with `all:`).
 */
export async function loadInventory(path: string, extraVars: Record<string, unknown> = {}, importer?: ModuleImporter): Promise<Inventory> {
  const file = findInventoryFile(path);
  let raw: unknown;
  if (isIni(file)) {
    raw = parseAnsibleIni(readFileSync(file, 'utf8'), file);
  } else if (/\.(ya?ml|json)$/.test(file)) {
    try {
      raw = parseYaml(readFileSync(file, 'utf8'), { prettyErrors: true });
    } catch (e) {
      throw new TsplayError('INVENTORY_INVALID', `inventory is not valid YAML: ${(e as Error).message.split('\n')[0]}`, { file, cause: e, hint: 'fix the YAML syntax at the line shown' });
    }
    if (isAnsibleYaml(raw)) raw = parseAnsibleYaml(raw, file);
  } else {
    if (!importer) throw new TsplayError('INVENTORY_INVALID', 'TS inventories need the CLI loader', { file });
    let mod: Record<string, unknown>;
    try {
      mod = await importer(file);
    } catch (e) {
      throw new TsplayError('INVENTORY_INVALID', `inventory module failed to load: ${(e as Error).message.split('\n')[0]}`, { file, cause: e, hint: 'run `tsplay check-types` to see the TypeScript errors' });
    }
    const d = mod.default ?? mod.inventory;
    raw = typeof d === 'function' ? await (d as () => unknown)() : d;
    if (raw === undefined) throw new TsplayError('INVENTORY_INVALID', 'inventory module has no default export', { file, hint: 'export default defineInventory({ hosts: {...} })' });
  }
  return resolveInventory(raw, file, extraVars);
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TsplayError } from '../errors.js';
import { resolveAnsibleTree } from './ansible-format.js';
import { readIni } from './ansible-ini.js';
import type { AnsibleTree } from './ansible-tree.js';
import { isAnsibleYaml, readYamlInventory } from './ansible-yaml.js';
import { varsOf, withDecrypted } from './group-vars.js';
import { ownListing, parseOwnYaml, withVarsDirs } from './own-inventory.js';
import { parseYaml11 } from './yaml11.js';
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
  throw new TsplayError('INVENTORY_NOT_FOUND', `inventory directory ${path} has no ${CANDIDATES.join(', ')}`, {
    file: abs,
    hint: 'add hosts.yaml (defaults, vars, hosts, groups), or point -i at an Ansible inventory file',
  });
}

/** An Ansible INI file: `.ini`, or a file without extension (`hosts`, `inventory`) that is not a YAML mapping. */
const noExtension = (file: string) => !/\.[A-Za-z0-9]+$/.test(basename(file));

export interface LoadOptions {
  /** The playbook's directory: group_vars/ and host_vars/ there are read too, after (over) the inventory's. */
  playbookDir?: string | undefined;
  /**
   * Decrypts a vault- or age-encrypted group_vars/host_vars file (or one with `!vault` values)
   * into its vars (the CLI's, with the run's keys). Without it such a file is INVENTORY_ENCRYPTED_VARS.
   */
  decryptVars?: ((file: string, bytes: Buffer) => Promise<unknown>) | undefined;
}

/**
 * Resolve (synchronous), decrypting with the hook each vars file that turns out encrypted, then
 * resolving again: a file is decrypted only when the inventory reads it, and once per load.
 */
async function resolveDecrypting<T>(resolve: () => T, decrypt: LoadOptions['decryptVars'], inventoryFile: string): Promise<T> {
  const files = new Map<string, Record<string, unknown>>();
  for (;;) {
    try {
      return withDecrypted(files, resolve);
    } catch (e) {
      const file = e instanceof TsplayError && e.code === 'INVENTORY_ENCRYPTED_VARS' ? e.file : undefined;
      if (!decrypt || !file || file === inventoryFile || files.has(file)) throw e;
      files.set(file, varsOf(await decrypt(file, await readFile(file)), file));
    }
  }
}

/** An Ansible tree from a file, or undefined when the file is tsplay's own shape (the parsed document is returned then). */
function readAnsible(file: string, text: string): { tree?: AnsibleTree; own?: unknown } {
  if (/\.ini$/.test(file)) return { tree: readIni(text, file) };
  if (noExtension(file)) {
    // Ansible tries its YAML plugin before the INI one: a file without extension that is a YAML mapping is YAML
    let doc: unknown;
    try {
      doc = parseYaml11(text, file);
    } catch {
      doc = undefined;
    }
    return isAnsibleYaml(doc) ? { tree: readYamlInventory(doc, file, text) } : { tree: readIni(text, file) };
  }
  const own = parseOwnYamlOrAnsible(text, file);
  return own.ansible ? { tree: readYamlInventory(parseYaml11(text, file), file, text) } : { own: own.doc };
}

/** Decide on the structure (read as YAML 1.2 without the leading-zero guard), then parse with the format's own rules. */
function parseOwnYamlOrAnsible(text: string, file: string): { ansible: boolean; doc?: unknown } {
  let probe: unknown;
  try {
    probe = parseYaml(text, { prettyErrors: true, uniqueKeys: false });
  } catch (e) {
    throw new TsplayError('INVENTORY_INVALID', `inventory is not valid YAML: ${(e as Error).message.split('\n')[0]}`, {
      file,
      cause: e,
      hint: 'fix the YAML syntax at the line shown',
    });
  }
  return isAnsibleYaml(probe) ? { ansible: true } : { ansible: false, doc: parseOwnYaml(text, file) };
}

/**
 * Load and resolve an inventory: tsplay YAML/JSON, a TS/JS module whose default export is the
 * inventory or a function returning it, or an Ansible inventory (INI, or YAML with `all:`), with
 * the group_vars/ and host_vars/ beside it (and beside the playbook).
 */
export async function loadInventory(
  path: string,
  extraVars: Record<string, unknown> = {},
  importer?: ModuleImporter,
  options: LoadOptions = {},
): Promise<Inventory> {
  const file = findInventoryFile(path);
  const dirs = { inventoryDir: dirname(file), playbookDir: options.playbookDir };
  let raw: unknown;
  if (noExtension(file) || /\.(ini|ya?ml|json)$/.test(file)) {
    const { tree, own } = readAnsible(file, readFileSync(file, 'utf8'));
    if (tree) {
      const { listing, inv } = await resolveDecrypting(
        () => {
          const r = resolveAnsibleTree(tree, dirs);
          return { listing: r.listing, inv: resolveInventory(r.file, file, extraVars) };
        },
        options.decryptVars,
        file,
      );
      for (const h of Object.values(listing._meta.hostvars)) Object.assign(h, extraVars);
      return { ...inv, ansible: listing };
    }
    raw = own;
  } else {
    if (!importer) throw new TsplayError('INVENTORY_INVALID', 'TS inventories need the CLI loader', { file });
    let mod: Record<string, unknown>;
    try {
      mod = await importer(file);
    } catch (e) {
      throw new TsplayError('INVENTORY_INVALID', `inventory module failed to load: ${(e as Error).message.split('\n')[0]}`, {
        file,
        cause: e,
        hint: 'run `tsplay check-types` to see the TypeScript errors',
      });
    }
    const d = mod.default ?? mod.inventory;
    raw = typeof d === 'function' ? await (d as () => unknown)() : d;
    if (raw === undefined)
      throw new TsplayError('INVENTORY_INVALID', 'inventory module has no default export', {
        file,
        hint: 'export default defineInventory({ hosts: {...} })',
      });
  }
  const { withFiles, inv } = await resolveDecrypting(
    () => {
      const w = withVarsDirs(raw, file, dirs);
      return { withFiles: w, inv: resolveInventory(w, file, extraVars) };
    },
    options.decryptVars,
    file,
  );
  const groups = (withFiles as { groups?: Record<string, { hosts?: string[]; children?: string[] }> }).groups ?? {};
  return { ...inv, ansible: ownListing(inv, groups) };
}

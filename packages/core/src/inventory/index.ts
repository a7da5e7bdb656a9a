export { defineInventory, inventoryFileSchema } from './schema.js';
export type { Inventory, InventoryFile, ResolvedHost, ConnectionSettings } from './schema.js';
export { resolveInventory, parseExtraVars } from './resolve.js';
export { loadInventory, findInventoryFile } from './load.js';
export type { ModuleImporter } from './load.js';
export { selectHosts } from './select.js';
export type { AnsibleListing } from './schema.js';
export type { LoadOptions } from './load.js';
export { YAML11_OPTIONS } from './yaml11.js';

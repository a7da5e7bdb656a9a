import { pathToFileURL } from 'node:url';

let registered: Promise<void> | undefined;

/**
 * Load a .ts playbook or inventory in this process. tsx's ESM hook is registered once, globally,
 * so `@tsplay/core` imported by the playbook is the very module instance the CLI uses (one copy).
 */
export async function importTs(path: string): Promise<Record<string, unknown>> {
  if (/\.[cm]?ts$/.test(path)) {
    registered ??= import('tsx/esm/api').then((m) => {
      m.register();
    });
    await registered;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ownCore from '@tsplay/core';

export type Core = typeof ownCore;

/** The entry file of the @tsplay/core that `from` sees (walking up node_modules), if any. */
export function projectCoreEntry(from: string): string | undefined {
  let d = from;
  for (;;) {
    const pkg = join(d, 'node_modules', '@tsplay', 'core', 'package.json');
    if (existsSync(pkg)) {
      const j = JSON.parse(readFileSync(pkg, 'utf8')) as { exports?: Record<string, { import?: string; default?: string }> };
      const rel = j.exports?.['.']?.import ?? j.exports?.['.']?.default ?? './dist/index.js';
      const entry = join(dirname(pkg), rel);
      return existsSync(entry) ? realpathSync(entry) : undefined;
    }
    if (d === dirname(d)) return undefined;
    d = dirname(d);
  }
}

function ownCoreEntry(): string | undefined {
  try {
    return realpathSync(fileURLToPath(import.meta.resolve('@tsplay/core')));
  } catch {
    return undefined;
  }
}

/**
 * The engine for a playbook: the project's own @tsplay/core when it has one (so the playbook,
 * its modules and the runner are one copy of core whatever installed the CLI: npx, a global
 * install, the workspace), else the CLI's own.
 */
export async function engineFor(playbookFile: string): Promise<Core> {
  const entry = projectCoreEntry(dirname(playbookFile));
  if (!entry || entry === ownCoreEntry()) return ownCore;
  return (await import(pathToFileURL(entry).href)) as Core;
}

/** Playbook made by another copy of core: still runnable when both speak the same protocol. */
export function sameProtocol(a: object, b: object): boolean {
  if (a === b) return true;
  const p = (x: object) => (x as { protocol?: unknown }).protocol;
  return p(a) !== undefined && p(a) === p(b);
}

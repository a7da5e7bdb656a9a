import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ownRoot from '@tsplay/core';
import * as ownEngine from '@tsplay/core/engine';

/** What the CLI drives: core's root (authoring API, runPlaybook) and its `engine` subpath, as one object. */
export type Core = typeof ownRoot & typeof ownEngine;
export const ownCore: Core = { ...ownEngine, ...ownRoot };

/** The entry file of the @tsplay/core that `from` sees (walking up node_modules), if any; `subpath` as in its exports. */
export function projectCoreEntry(from: string, subpath = '.'): string | undefined {
  let d = from;
  for (;;) {
    const pkg = join(d, 'node_modules', '@tsplay', 'core', 'package.json');
    if (existsSync(pkg)) {
      const j = JSON.parse(readFileSync(pkg, 'utf8')) as { exports?: Record<string, { import?: string; default?: string }> };
      const rel = j.exports?.[subpath]?.import ?? j.exports?.[subpath]?.default ?? (subpath === '.' ? './dist/index.js' : undefined);
      if (rel === undefined) return undefined;
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
  const engine = projectCoreEntry(dirname(playbookFile), './engine');
  // A core from before the subpaths exports everything from its root.
  const [root, parts] = await Promise.all([import(pathToFileURL(entry).href), engine ? import(pathToFileURL(engine).href) : {}]);
  return { ...parts, ...root } as Core;
}

/** Playbook made by another copy of core: still runnable when both speak the same protocol. */
export function sameProtocol(a: object, b: object): boolean {
  if (a === b) return true;
  const p = (x: object) => (x as { protocol?: unknown }).protocol;
  return p(a) !== undefined && p(a) === p(b);
}

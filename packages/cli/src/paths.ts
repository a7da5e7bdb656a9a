import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The user's cache dir: $XDG_CACHE_HOME or ~/.cache. */
function userCache(): string {
  return process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
}

/** `dir`, made if missing, and 0700 whatever it was: what tsplay keeps on the workstation is the user's alone. */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** Workstation-side state (durable notifications, caches): $TSPLAY_STATE_DIR or ~/.cache/tsplay/state, 0700. */
export function stateDir(): string {
  return privateDir(process.env.TSPLAY_STATE_DIR ?? join(userCache(), 'tsplay', 'state'));
}

/**
 * Bundled playbooks and inventories: $TSPLAY_CACHE_DIR/bundles, default ~/.cache/tsplay/bundles (never inside
 * the user's project). A bundle keeps the playbook's literals, secrets included: the directory is 0700.
 */
export function bundleDir(): string {
  return privateDir(join(process.env.TSPLAY_CACHE_DIR ?? join(userCache(), 'tsplay'), 'bundles'));
}

/** The @tsplay/cli package directory (from src/ in the workspace or from dist/ when installed). */
export function cliPackageRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json')) || !readFileSync(join(d, 'package.json'), 'utf8').includes('"@tsplay/cli"')) {
    if (d === dirname(d)) throw new Error('@tsplay/cli: package.json not found above the CLI');
    d = dirname(d);
  }
  return d;
}

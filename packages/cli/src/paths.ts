import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The user's cache dir: $XDG_CACHE_HOME or ~/.cache. */
function userCache(): string {
  return process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
}

/** Workstation-side state (durable notifications, caches): $TSPLAY_STATE_DIR or ~/.cache/tsplay/state. */
export function stateDir(): string {
  return process.env.TSPLAY_STATE_DIR ?? join(userCache(), 'tsplay', 'state');
}

/** Bundled playbooks and inventories: $TSPLAY_CACHE_DIR/bundles, default ~/.cache/tsplay/bundles (never inside the user's project). */
export function bundleDir(): string {
  return join(process.env.TSPLAY_CACHE_DIR ?? join(userCache(), 'tsplay'), 'bundles');
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

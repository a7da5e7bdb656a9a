import { homedir } from 'node:os';
import { join } from 'node:path';

/** Workstation-side state (durable notifications, caches): $TSPLAY_STATE_DIR or ~/.cache/tsplay/state. */
export function stateDir(): string {
  return process.env.TSPLAY_STATE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tsplay', 'state');
}

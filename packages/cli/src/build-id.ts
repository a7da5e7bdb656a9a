import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PERSIST_DAEMON_COMMAND } from './commands/run-args.js';

/**
 * This build of the CLI (this file's path and mtime): a run only ever talks to a daemon of the same build.
 * Node built-ins only: the resident runner's thin client computes it before loading anything else.
 */
export function buildId(): string {
  const self = fileURLToPath(import.meta.url);
  return createHash('sha256')
    .update(`${realpathSync(self)}:${statSync(self).mtimeMs}`)
    .digest('hex')
    .slice(0, 12);
}

/** The daemon is this CLI itself, started detached with a hidden command (`tsplay __persist-daemon`). */
export const daemonCommand = (): string[] => [
  process.execPath,
  fileURLToPath(new URL('../bin/tsplay.js', import.meta.url)),
  PERSIST_DAEMON_COMMAND,
];

import { readFileSync, writeFileSync } from 'node:fs';
import { TsplayError } from '@tsplay/core';
import type { Log } from './run.js';

export const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';
export const INOTIFY_WATCHES = '/proc/sys/fs/inotify/max_user_watches';

/**
 * inotify instances/watches the lab needs for `hosts` containers. Every container runs as the machine's root
 * (no user namespace), so all of them share root's limits: a trimmed host holds 4 instances (the default
 * limit of 128 stopped the boot near the 18th untrimmed host, 7 each). Twice that, plus the machine's own. Pure.
 */
export function inotifyNeeds(hosts: number): { instances: number; watches: number } {
  return { instances: 64 + hosts * 8, watches: 65_536 + hosts * 2_048 };
}

function readInt(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Raise root's inotify limits when they are below what `hosts` containers need (never lowers them; the
 * change lasts until reboot). Throws LAB_FAILED naming the sysctl when it cannot be raised.
 */
export function ensureInotifyLimits(hosts: number, log: Log): void {
  const need = inotifyNeeds(hosts);
  for (const [path, want] of [
    [INOTIFY_INSTANCES, need.instances],
    [INOTIFY_WATCHES, need.watches],
  ] as const) {
    const have = readInt(path);
    if (have !== undefined && have >= want) continue;
    try {
      writeFileSync(path, `${want}\n`);
    } catch (e) {
      throw new TsplayError('LAB_FAILED', `cannot raise ${path} from ${have ?? '?'} to ${want} for ${hosts} hosts: ${String(e)}`, {
        file: path,
        hint: `run \`sysctl -w ${path.slice('/proc/sys/'.length).replace(/\//g, '.')}=${want}\` as root, or use fewer hosts`,
        cause: e,
      });
    }
    log(`raised ${path.slice('/proc/sys/'.length).replace(/\//g, '.')} from ${have ?? '?'} to ${want} (${hosts} hosts)`);
  }
}

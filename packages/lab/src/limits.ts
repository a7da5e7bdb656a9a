import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { TsplayError } from '@tsplay/core';
import type { Log } from './run.js';

export const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';
export const INOTIFY_WATCHES = '/proc/sys/fs/inotify/max_user_watches';
export const PID_MAX = '/proc/sys/kernel/pid_max';
const NEIGH = (v: 4 | 6, n: 1 | 2 | 3) => `/proc/sys/net/ipv${v}/neigh/default/gc_thresh${n}`;

/**
 * inotify instances/watches the lab needs for `hosts` containers. Every container runs as the machine's root
 * (no user namespace), so all of them share root's limits: a trimmed host holds 4 instances (the default
 * limit of 128 stopped the boot near the 18th untrimmed host, 7 each). Twice that, plus the machine's own. Pure.
 */
export function inotifyNeeds(hosts: number): { instances: number; watches: number } {
  return { instances: 64 + hosts * 8, watches: 65_536 + hosts * 2_048 };
}

/**
 * Every machine-wide kernel limit that grows with the lab's hosts, as [sysctl file, the least value it needs]. Pure.
 * - inotify: see inotifyNeeds.
 * - kernel.pid_max: every task (thread) of every host takes a pid of the machine's one pid space; an idle host
 *   has ~7.5 (measured at 500: supervisor, nspawn, systemd, journald, dbus, sshd), a host running a
 *   multi-threaded service tens more. The default 32,768 leaves no room for that at 1,000 hosts.
 * - the neighbour (ARP/NDP) table: one table for all namespaces; the root namespace holds an entry per host it
 *   talks to and every host one for 10.240.0.254 (and the bridge): ~2 per host. The default gc_thresh3 of
 *   1,024 entries would overflow ("neighbour table overflow") near 500 hosts (not tried), and above gc_thresh2 (512) entries
 *   older than 5 s are dropped.
 */
export function kernelLimitNeeds(hosts: number): [string, number][] {
  const i = inotifyNeeds(hosts);
  return [
    [INOTIFY_INSTANCES, i.instances],
    [INOTIFY_WATCHES, i.watches],
    [PID_MAX, Math.max(32_768, 16_384 + hosts * 64)],
    ...([4, 6] as const).flatMap((v): [string, number][] => [
      [NEIGH(v, 2), Math.max(512, 256 + hosts * 4)],
      [NEIGH(v, 3), Math.max(1_024, 512 + hosts * 8)],
    ]),
  ];
}

function readInt(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

const sysctlName = (path: string): string => path.slice('/proc/sys/'.length).replace(/\//g, '.');

/**
 * Raise every limit of kernelLimitNeeds that is below what `hosts` containers need (never lowers one; the change
 * lasts until reboot; a limit this kernel does not have, e.g. no IPv6, is skipped). Throws LAB_FAILED naming the
 * sysctl when one cannot be raised.
 */
export function ensureKernelLimits(hosts: number, log: Log, needs: [string, number][] = kernelLimitNeeds(hosts)): void {
  for (const [path, want] of needs) {
    if (!existsSync(path)) continue;
    const have = readInt(path);
    if (have !== undefined && have >= want) continue;
    try {
      writeFileSync(path, `${want}\n`);
    } catch (e) {
      throw new TsplayError('LAB_FAILED', `cannot raise ${path} from ${have ?? '?'} to ${want} for ${hosts} hosts: ${String(e)}`, {
        file: path,
        hint: `run \`sysctl -w ${sysctlName(path)}=${want}\` as root, or use fewer hosts`,
        cause: e,
      });
    }
    log(`raised ${sysctlName(path)} from ${have ?? '?'} to ${want} (${hosts} hosts)`);
  }
}

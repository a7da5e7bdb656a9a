import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TsplayError } from '@tsplay/core';
import { startHost, waitForSsh } from './boot.js';
import { cgroupPids, cgroupRoots, killCgroup, LAB_CGROUP } from './cgroups.js';
import { snapshot, stillRunning } from './exited.js';
import { labHost, labPaths } from './paths.js';
import { requireRoot } from './root.js';
import { labStatus } from './status.js';

const hostCgroup = (index: number): string => `${LAB_CGROUP}/h${index}`;

async function waitExited(index: number, pids: number[], timeoutMs: number): Promise<void> {
  const snap = snapshot(pids);
  const deadline = Date.now() + timeoutMs;
  while (stillRunning(snap).length > 0 || cgroupRoots().some((r) => cgroupPids(join(r, hostCgroup(index))).length > 0)) {
    if (Date.now() > deadline) throw new TsplayError('LAB_FAILED', `host h${index} did not stop within ${timeoutMs / 1000} s`);
    await delay(20);
  }
}

/**
 * Pull the plug on host `index`: every process of its cgroup (supervisor, nspawn, the container) is killed
 * at once, nothing shuts down cleanly. Its disk (the overlay upper dir, still mounted) is kept as the
 * moment left it, page cache included (same kernel). Resolves when every one of them has exited.
 */
export async function labPowerOff(index: number): Promise<void> {
  requireRoot();
  const pids = [...new Set(cgroupRoots().flatMap((r) => cgroupPids(join(r, hostCgroup(index)))))];
  killCgroup(hostCgroup(index));
  await waitExited(index, pids, 30_000);
}

/** Boot host `index` again from the same disk (after `labPowerOff`); resolves once `admin` can log in. */
export async function labBoot(index: number): Promise<void> {
  requireRoot();
  const s = await labStatus();
  const h = s.hosts.find((x) => x.index === index);
  if (!h) throw new TsplayError('LAB_FAILED', `the lab has no host h${index}`, { hint: 'lab status lists the hosts' });
  if (h.state === 'running')
    throw new TsplayError('LAB_FAILED', `${h.name} is already running`, { host: h.name, hint: 'power it off first (labPowerOff)' });
  const p = labPaths();
  const dir = join(p.stateDir, 'hosts', `h${index}`);
  if (!existsSync(join(dir, 'merged', 'etc', 'hostname')))
    throw new TsplayError('LAB_FAILED', `${h.name}'s disk is not mounted at ${join(dir, 'merged')}`, {
      host: h.name,
      hint: 'run `tsplay lab down` and `tsplay lab up`',
    });
  // the dead supervisor's pid files would read as "stopped while booting" until the new one writes its own
  await Promise.all(['supervisor.pid', 'nspawn.pid'].map((f) => rm(join(dir, f), { force: true })));
  await startHost(join(p.stateDir, 'supervisor.sh'), labHost(index), dir, cgroupRoots());
  await waitForSsh(labHost(index), dir, p);
}

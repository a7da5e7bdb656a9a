import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TsplayError } from '@tsplay/core';
import { cgroupRoots, killCgroup, LAB_CGROUP, labCgroupPids, removeCgroupTree } from './cgroups.js';
import { deleteLabNetwork } from './network.js';
import { foreignLabMounts, foreignStateDirs, labMounts, labProcesses } from './leftovers.js';
import { snapshot, stillRunning } from './exited.js';
import { labPaths } from './paths.js';
import { requireRoot } from './root.js';
import { $ok, step, type Log } from './run.js';

/** What `lab up` creates in the state dir; `down` removes exactly these (the cache is kept). */
const STATE_ENTRIES = [
  'hosts',
  'layer',
  'pki',
  'fileserver',
  'inventory',
  'id_ed25519',
  'id_ed25519.pub',
  'known_hosts',
  'supervisor.sh',
  'lab.json',
  'lab.json.tmp',
];

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new TsplayError('LAB_FAILED', `lab down: ${what} did not finish within ${timeoutMs / 1000} s`);
    await delay(20);
  }
}

function hostCgroups(): string[] {
  const names = new Set<string>();
  for (const root of cgroupRoots()) {
    const dir = join(root, LAB_CGROUP);
    if (existsSync(dir)) for (const n of readdirSync(dir)) if (/^h\d+$/.test(n)) names.add(`${LAB_CGROUP}/${n}`);
  }
  return [...names];
}

/** One umount for every overlay (200 hosts: one process, not 200), then lazily whatever is still busy. */
async function unmountAll(mounted: () => string[]): Promise<void> {
  const mounts = mounted();
  if (mounts.length > 0) await $ok`umount ${mounts}`;
  for (const m of mounted()) await step(`unmount ${m}`, () => $ok`umount -l ${m}`);
  if (mounted().length > 0) throw new TsplayError('LAB_FAILED', `lab down: still mounted: ${mounted().join(', ')}`);
}

/**
 * Remove everything `lab up` made: supervisors and containers (killed through their cgroups), the file
 * server, overlay mounts, namespaces, veths, cgroups and runtime files. Keeps the cached rootfs and tarball
 * and the guard route. Safe to run on a half-made lab, or when there is nothing to remove. Another checkout's lab
 * (its hosts share the namespaces' and cgroups' names) goes too: its processes and overlays; its files stay.
 */
export async function labDown(opts: { log?: Log } = {}): Promise<{ removed: boolean }> {
  const log = opts.log ?? (() => {});
  requireRoot();
  const p = labPaths();
  const others = foreignStateDirs(p.stateDir);
  const processes = (): { pid: number }[] => labProcesses(p.stateDir, others);
  const mounted = (): string[] => [...labMounts(p.stateDir), ...foreignLabMounts(p.stateDir)];
  const before = processes().length + mounted().length;
  const cgroups = hostCgroups();
  // every process now, to wait below until each has really exited (not just left its cgroup)
  const procs = snapshot([...labCgroupPids(), ...processes().map((x) => x.pid)]);
  // 1. every host: kill the whole cgroup (supervisor, nspawn, the container's processes)
  for (const cg of cgroups) killCgroup(cg);
  // 2. whatever still runs from a state dir (a supervisor that had not entered its cgroup, the file server)
  for (const { pid } of processes()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await until('stopping the lab processes', () => labCgroupPids().length === 0 && processes().length === 0, 10_000);
  await until('the lab processes exiting', () => stillRunning(procs).length === 0, 30_000);
  await until('removing the lab cgroups', () => cgroupRoots().every((r) => removeCgroupTree(join(r, LAB_CGROUP))), 5_000);
  await unmountAll(mounted);
  await deleteLabNetwork();
  for (const e of STATE_ENTRIES) await rm(join(p.stateDir, e), { recursive: true, force: true });
  try {
    rmdirSync(p.stateDir);
  } catch {
    /* not empty (the user's files) or absent */
  }
  const removed = before + cgroups.length > 0;
  log(removed ? 'lab down' : 'lab was not up');
  return { removed };
}

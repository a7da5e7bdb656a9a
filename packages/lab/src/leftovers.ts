import { readdirSync, readFileSync } from 'node:fs';
import { labCgroupDirs } from './cgroups.js';
import { labLinkUp, labNamespaces, ROOT_VETH } from './network.js';
import { foreignLabOverlays, mountsUnder, overlayStateDir } from './mountinfo.js';
import { alive, cmdline } from './run.js';

/** Is this command line a lab process of state dir `d`: its supervisor, its file server, anything run from its host dirs? */
const ofStateDir = (a: string, d: string): boolean =>
  a === `${d}/supervisor.sh` || a === `${d}/fileserver/fileserver.mjs` || a.startsWith(`${d}/hosts/`);

/**
 * Live lab processes: supervisors, systemd-nspawn of a lab host, the file server (also another checkout's), by
 * their command lines; `others`: the state dirs of other checkouts' labs (see foreignStateDirs) count as ours.
 */
export function labProcesses(stateDir: string, others: readonly string[] = []): { pid: number; args: string[] }[] {
  const out: { pid: number; args: string[] }[] = [];
  const dirs = [stateDir, ...others];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const args = cmdline(pid);
    // a file server of any checkout's lab counts: lab hosts of every checkout share the namespaces' names
    const ours = args.some((a) => a.endsWith('/.lab/fileserver/fileserver.mjs') || dirs.some((d) => ofStateDir(a, d)));
    if (ours && alive(pid)) out.push({ pid, args });
  }
  return out;
}

const mountinfo = (): string => readFileSync('/proc/self/mountinfo', 'utf8');

/** Mount points at or under `stateDir` (or any directory), deepest first. */
export function labMounts(stateDir: string): string[] {
  return mountsUnder(mountinfo(), stateDir);
}

/** Overlays another checkout's lab left mounted (outside `stateDir`), deepest first. */
export function foreignLabMounts(stateDir: string): string[] {
  return foreignLabOverlays(mountinfo(), stateDir);
}

/** The state dirs of the labs whose overlays are mounted outside `stateDir`. */
export function foreignStateDirs(stateDir: string): string[] {
  return [...new Set(foreignLabMounts(stateDir).map((m) => overlayStateDir(m) ?? ''))].filter(Boolean);
}

export interface Leftovers {
  processes: { pid: number; args: string[] }[];
  mounts: string[];
  namespaces: string[];
  cgroups: string[];
  links: string[];
}

/** Everything of a lab that exists now (with other checkouts' overlays and their processes); all empty after `labDown`. */
export function labLeftovers(stateDir: string): Leftovers {
  return {
    processes: labProcesses(stateDir, foreignStateDirs(stateDir)),
    mounts: [...labMounts(stateDir), ...foreignLabMounts(stateDir)],
    namespaces: labNamespaces(),
    cgroups: labCgroupDirs(),
    links: labLinkUp() ? [ROOT_VETH] : [],
  };
}

export function isClean(l: Leftovers): boolean {
  return l.processes.length + l.mounts.length + l.namespaces.length + l.cgroups.length + l.links.length === 0;
}

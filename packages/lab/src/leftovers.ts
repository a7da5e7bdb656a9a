import { readdirSync, readFileSync } from 'node:fs';
import { labCgroupDirs } from './cgroups.js';
import { labLinkUp, labNamespaces, ROOT_VETH } from './network.js';
import { alive, cmdline } from './run.js';

/** Live lab processes: supervisors, systemd-nspawn of a lab host, the file server (also another checkout's), by their command lines. */
export function labProcesses(stateDir: string): { pid: number; args: string[] }[] {
  const out: { pid: number; args: string[] }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const args = cmdline(pid);
    // a file server of any checkout's lab counts: lab hosts of every checkout share the namespaces' names
    const ours = args.some(
      (a) => a === `${stateDir}/supervisor.sh` || a.endsWith('/.lab/fileserver/fileserver.mjs') || a === `${stateDir}/fileserver/fileserver.mjs` || a.startsWith(`${stateDir}/hosts/`),
    );
    if (ours && alive(pid)) out.push({ pid, args });
  }
  return out;
}

/** Mount points at or under `stateDir` (or any directory), deepest first. */
export function labMounts(stateDir: string): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === stateDir || p.startsWith(`${stateDir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export interface Leftovers {
  processes: { pid: number; args: string[] }[];
  mounts: string[];
  namespaces: string[];
  cgroups: string[];
  links: string[];
}

/** Everything of a lab that exists now; all empty after `labDown`. */
export function labLeftovers(stateDir: string): Leftovers {
  return {
    processes: labProcesses(stateDir),
    mounts: labMounts(stateDir),
    namespaces: labNamespaces(),
    cgroups: labCgroupDirs(),
    links: labLinkUp() ? [ROOT_VETH] : [],
  };
}

export function isClean(l: Leftovers): boolean {
  return l.processes.length + l.mounts.length + l.namespaces.length + l.cgroups.length + l.links.length === 0;
}

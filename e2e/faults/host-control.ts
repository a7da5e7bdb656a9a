/**
 * Fault injection on lab hosts from the root namespace (no SSH, so it works when the host's sshd or link is
 * gone): processes through the host's cgroup, commands in the container through nsenter, the link and its
 * bandwidth through the lab's network namespaces, power-off through cgroup.kill.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CGROUP, cgroupPids, cgroupRoots, killCgroup, labDown, labStatus, labUp } from '@tsplay/lab';
import { lab } from '../helpers/lab.js';

/** Run a local command (no shell); rejects with its stderr on a non-zero exit. */
export function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : ok(stdout),
    );
  });
}

const hostCgroup = (index: number) => `${LAB_CGROUP}/h${index}`;

/** Processes of host `index` (supervisor, nspawn and the container) with their command names. */
export function hostProcesses(index: number): { pid: number; comm: string; args: string }[] {
  const pids = new Set(cgroupRoots().flatMap((r) => cgroupPids(join(r, hostCgroup(index)))));
  const out: { pid: number; comm: string; args: string }[] = [];
  for (const pid of pids) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid, comm, args });
    } catch {
      /* exited */
    }
  }
  return out;
}

/** SIGKILL every process of host `index` named `comm` (e.g. every sshd: the listener and the sessions). */
export function killOnHost(index: number, comm: string): number[] {
  const killed: number[] = [];
  for (const p of hostProcesses(index)) {
    if (p.comm !== comm) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
      killed.push(p.pid);
    } catch {
      /* gone */
    }
  }
  return killed;
}

/** The container's PID 1 (systemd), the child of the host's systemd-nspawn. */
export function containerInit(index: number): number {
  const nspawn = Number(readFileSync(join(lab().paths.stateDir, 'hosts', `h${index}`, 'nspawn.pid'), 'utf8').trim());
  for (const t of readdirSync(`/proc/${nspawn}/task`)) {
    const kids = readFileSync(`/proc/${nspawn}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (kids[0]) return Number(kids[0]);
  }
  throw new Error(`host ${index}: systemd-nspawn ${nspawn} has no child`);
}

/** Run argv inside the container (all its namespaces) as root, without SSH. */
export function inContainer(index: number, argv: readonly string[]): Promise<string> {
  return run('nsenter', ['-t', String(containerInit(index)), '-a', '--', ...argv]);
}

/** Power host `index` off: kill its whole cgroup (supervisor, nspawn, every process of the container). */
export function powerOff(index: number): void {
  killCgroup(hostCgroup(index));
}

/** Limit what host `index` receives (the bridge port's egress) to `rate` (tc syntax, e.g. `16mbit`). */
export const throttle = (index: number, rate: string) =>
  run('ip', [
    'netns',
    'exec',
    'tsplay-lab',
    'tc',
    'qdisc',
    'replace',
    'dev',
    `tl-h${index}`,
    'root',
    'tbf',
    'rate',
    rate,
    'burst',
    '64kb',
    'latency',
    '2s',
  ]);
export const unthrottle = (index: number) =>
  run('ip', ['netns', 'exec', 'tsplay-lab', 'tc', 'qdisc', 'del', 'dev', `tl-h${index}`, 'root']).catch(() => '');

export const linkDown = (index: number) => run('ip', ['-n', `tsplay-h${index}`, 'link', 'set', 'eth0', 'down']);
export async function linkUp(index: number): Promise<void> {
  await run('ip', ['-n', `tsplay-h${index}`, 'link', 'set', 'eth0', 'up']);
  // `link set down` drops the host's routes through eth0 (the connected /24 comes back with the address; this one does not)
  await run('ip', ['-n', `tsplay-h${index}`, 'route', 'replace', '169.254.169.254', 'via', '10.240.0.1']);
}

/** The lab is up with `hosts` running hosts; else take it down and up again (fresh hosts). */
export async function ensureLab(hosts = 3): Promise<void> {
  const s = await labStatus();
  if (s.state === 'up' && s.hosts.length === hosts && s.hosts.every((h) => h.state === 'running')) return;
  await labDown();
  await labUp({ hosts });
}

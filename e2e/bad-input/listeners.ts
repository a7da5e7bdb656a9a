/** Listening sockets of the root network namespace (`ss -ltnupH`), with the processes that own them. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Listener {
  proto: 'tcp' | 'udp';
  /** Address as ss prints it, without brackets or `%iface`. */
  address: string;
  port: number;
  pids: number[];
  commands: string[];
}

/** Parse `ss -ltnupH` (Netid State Recv-Q Send-Q Local Peer Process). */
export function parseSs(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 6) continue;
    const [netid, , , , local = '', , ...rest] = cols;
    const m = /^\[?(.*?)(?:%[^\]]*)?\]?:(\d+|\*)$/.exec(local);
    if (!m) throw new Error(`cannot parse ss local address ${JSON.stringify(local)} in ${JSON.stringify(line)}`);
    const proc = rest.join(' ');
    out.push({
      proto: netid === 'udp' ? 'udp' : 'tcp',
      address: m[1] ?? '',
      port: m[2] === '*' ? 0 : Number(m[2]),
      pids: [...proc.matchAll(/pid=(\d+)/g)].map((x) => Number(x[1])),
      commands: [...proc.matchAll(/\("([^"]*)"/g)].map((x) => x[1] ?? ''),
    });
  }
  return out;
}

export function rootListeners(): Listener[] {
  return parseSs(execFileSync('ss', ['-ltnupH'], { encoding: 'utf8' }));
}

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || address === '::ffff:127.0.0.1' || /^::ffff:127\./.test(address);
}

function readProc(pid: number, what: string): string {
  try {
    return readFileSync(`/proc/${pid}/${what}`, 'utf8');
  } catch {
    return '';
  }
}

export function parentOf(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  const m = /\) \S+ (\d+)/.exec(stat);
  return m ? Number(m[1]) : undefined;
}

/** True when `pid` is `root` or one of its descendants. */
export function descendsFrom(pid: number, root: number): boolean {
  for (let p: number | undefined = pid, n = 0; p && p > 1 && n < 64; p = parentOf(p), n++) if (p === root) return true;
  return false;
}

/**
 * Is this process part of the project: a descendant of `self` (the test run, so tsplay and everything
 * it spawns), or a process whose command line or cgroup names the repository, the lab state dir or tsplay
 * (the lab's supervisors, nspawn hosts, file server, etcd/sshd started by the lab).
 */
export function ownedByProject(pid: number, marks: { self: number; repo: string; stateDir: string }): boolean {
  if (descendsFrom(pid, marks.self)) return true;
  const text = `${readProc(pid, 'cmdline').replace(/\0/g, ' ')}\n${readProc(pid, 'cgroup')}`;
  return text.includes(marks.repo) || text.includes(marks.stateDir) || /tsplay/.test(text);
}

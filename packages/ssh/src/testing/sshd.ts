import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshHostSpec } from '../spec.js';
import { generateKey, type KeyPair } from './keys.js';
import { freePort } from './net.js';

export interface SshdOptions {
  /** Extra sshd_config lines. */
  config?: string[];
}

/** A real OpenSSH sshd on 127.0.0.1, with its own host key and a client key it trusts for `authorize`d users. */
export interface TestSshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Scratch directory (keys, config, known_hosts); removed by `stop`. */
  readonly dir: string;
  readonly pid: number;
  readonly hostKey: KeyPair;
  /** Unencrypted client key authorized for every `authorize`d user. */
  readonly clientKey: KeyPair;
  /** known_hosts with this sshd's key as `[127.0.0.1]:PORT`. */
  readonly knownHosts: string;
  /** Let `user` log in with `key` (default: `clientKey`). */
  authorize(user: string, key?: KeyPair): Promise<void>;
  /** A spec for `user` with the client key, the known_hosts above and an empty ssh config. */
  spec(user: string, extra?: Partial<SshHostSpec>): SshHostSpec;
  /** sshd's own log so far (stderr, last 256 kB): for assertions and debugging. */
  log(): string;
  /** SIGKILL the per-connection sshd processes (cuts every client connection, the users' commands see EOF); returns how many. */
  killSessions(): Promise<number>;
  /** SIGSTOP (or SIGCONT) the per-connection sshd processes: the TCP connection stays up but nothing answers, like a cut link. */
  pauseSessions(): Promise<number>;
  resumeSessions(): Promise<number>;
  /** Stop the daemon (and its sessions) but keep `dir`: the port is then closed. */
  halt(): Promise<void>;
  /** `halt`, then remove `dir`. */
  stop(): Promise<void>;
}

function sshdConfig(port: number, dir: string, extra: readonly string[]): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}/%u`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    'MaxSessions 10',
    'MaxStartups 100:30:200',
    'LogLevel INFO',
    'Subsystem sftp internal-sftp',
    ...extra,
    '',
  ].join('\n');
}

async function waitListening(child: ChildProcess, port: number): Promise<void> {
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer): void => {
      log += b.toString();
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sshd exited with ${code}: ${log.trim()}`)));
    child.once('error', reject);
  });
}

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** SIGKILL (or another signal), ignoring a process that has already gone. */
function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** The sshd processes below the listener (monitor and per-user children), not the users' own commands. */
async function sessionProcesses(pid: number): Promise<number[]> {
  const found: number[] = [];
  const walk = async (p: number): Promise<void> => {
    for (const c of await childrenOf(p)) {
      const comm = (await readFile(`/proc/${c}/comm`, 'utf8').catch(() => '')).trim();
      if (comm !== 'sshd') continue;
      found.push(c);
      await walk(c);
    }
  };
  await walk(pid);
  return found;
}

/** Start sshd -D on a free loopback port (needs root: sshd switches to the logged-in user). */
export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  if (process.getuid?.() !== 0) throw new Error('the sshd test harness needs root (sshd must switch users); run as root as .ci/run does');
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-sshd-'));
  await chmod(dir, 0o755);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await mkdir(join(dir, 'authorized_keys'), { mode: 0o755 });
  const [hostKey, clientKey] = await Promise.all([generateKey(join(dir, 'host_ed25519')), generateKey(join(dir, 'client_ed25519'))]);
  const knownHosts = join(dir, 'known_hosts');
  const config = join(dir, 'sshd_config');
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    await writeFile(config, sshdConfig(port, dir, opts.config ?? []));
    const c = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await waitListening(c, port);
      child = c;
    } catch (e) {
      if (attempt === 4 || !/Address already in use/.test(String(e))) throw e;
    }
  }
  if (!child?.pid) throw new Error('sshd did not start');
  const proc = child;
  const pid = child.pid;
  let log = '';
  proc.stderr?.on('data', (b: Buffer) => {
    log = (log + b.toString()).slice(-256 * 1024);
  });
  await writeFile(knownHosts, `[127.0.0.1]:${port} ${hostKey.publicLine}\n`);
  const sshConfig = join(dir, 'ssh_config');
  await writeFile(sshConfig, '');
  const halt = async (): Promise<void> => {
    for (const p of await sessionProcesses(pid)) {
      kill(p);
      kill(p, 'SIGCONT');
    }
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      await exited;
    }
  };
  return {
    host: '127.0.0.1',
    port,
    dir,
    pid,
    hostKey,
    clientKey,
    knownHosts,
    authorize: async (user, key = clientKey) => {
      const file = join(dir, 'authorized_keys', user);
      const old = await readFile(file, 'utf8').catch(() => '');
      await writeFile(file, `${old}${key.publicLine}\n`, { mode: 0o644 });
    },
    spec: (user, extra = {}) => ({
      name: `sshd-${port}`,
      address: '127.0.0.1',
      port,
      user,
      privateKeyPath: clientKey.path,
      knownHosts,
      sshConfigPath: sshConfig,
      connectTimeoutMs: 10_000,
      ...extra,
    }),
    log: () => log,
    killSessions: async () => {
      const procs = await sessionProcesses(pid);
      for (const p of procs) kill(p);
      return procs.length;
    },
    pauseSessions: async () => {
      const procs = await sessionProcesses(pid);
      for (const p of procs) kill(p, 'SIGSTOP');
      return procs.length;
    },
    resumeSessions: async () => {
      const procs = await sessionProcesses(pid);
      for (const p of procs) kill(p, 'SIGCONT');
      return procs.length;
    },
    halt,
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

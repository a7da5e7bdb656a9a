/** The day-2 e2e harness: a lab of N hosts, inventories over a subset of them, tsplay runs, etcdctl on the hosts. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labPaths, labUp, type LabHost } from '@tsplay/lab';
import { hostOutput } from '../helpers/lab.js';

export const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'packages/cli/bin/tsplay.js');

/**
 * The longest failure run each writer may see during a rolling operation (packages/etcd/README.md,
 * "Availability for clientv3 clients"). The gateway writer retries on another endpoint within its budget:
 * 0.5 s. A clientv3 (etcdctl 3.4, 1 s command timeout) put that a follower forwards while the leader is
 * transferring leadership is dropped and not retried by the client, so it fails once, after its whole
 * timeout; the next put reaches the new leader. tsplay makes one leader change per operation (the leader
 * last), so that writer's bound is one timed-out put: 1.25 s (1 s plus a loaded machine's timer slack).
 * An operation that restarts no member and moves no leadership (a new leaf certificate: etcd reads it at
 * the next handshake) holds both writers to 0.5 s: `noTransfer`.
 */
export const WRITE_BOUND_S = { gateway: 0.5, etcdctl: 1.25, noTransfer: { gateway: 0.5, etcdctl: 0.5 } } as const;

/** The lab with exactly `n` hosts (rebuilt when it has another number). */

export async function labWith(n: number): Promise<LabHost[]> {
  return (await labUp({ hosts: n })).hosts;
}

/** The lab inventory with its `controllers` group narrowed to `names`, written to a temp dir. */
export function inventoryOf(names: readonly string[]): string {
  const text = readFileSync(labPaths().inventoryFile, 'utf8').replace(
    /^ {2}controllers: \{ hosts: \[[^\]]*\]/m,
    `  controllers: { hosts: [${names.join(', ')}]`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-day2-inv-'));
  writeFileSync(join(dir, 'hosts.yaml'), text);
  return join(dir, 'hosts.yaml');
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tsplay run PLAYBOOK -i INV ARGS` as a child process. */
export function tsplay(playbook: string, inventory: string, args: readonly string[] = []): Promise<CliRun> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, 'run', join(REPO, 'playbooks', playbook), '-i', inventory, '--forks', '10', ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', rej);
    child.once('close', (code) => res({ code: code ?? 255, stdout, stderr }));
  });
}

const CTL =
  'ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem --command-timeout=5s';

/** `host › task` of every result reported changed in a `--json` run. */
export function changedOf(r: CliRun): string[] {
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; host?: string; task?: string; changed?: boolean })
    .filter((e) => e.type === 'task.result' && e.changed === true)
    .map((e) => `${e.host} › ${e.task}`)
    .sort();
}

/** `etcdctl ARGS` on a lab host (the oracle: what the cluster itself says). */
export function etcdctlOn(host: string, args: string): Promise<string> {
  return hostOutput(host, `${CTL} ${args}`, { become: true });
}

/** Members as etcdctl's table prints them: `name started|unstarted learner?`, sorted. */
export async function memberTable(host: string): Promise<string[]> {
  const out = await etcdctlOn(host, 'member list');
  return out
    .trim()
    .split('\n')
    .map((l) => l.split(', '))
    .map((f) => `${f[2] ?? ''} ${f[1] ?? ''}${f[5] === 'true' ? ' learner' : ''}`)
    .sort();
}

/** Append one operation's writer figure to e2e/etcd-day2/.results/writer.json (no console output). */
export function recordResult(op: string, r: unknown): void {
  const dir = join(import.meta.dirname, '.results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'writer.json');
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {};
  }
  const { okSeqs: _ok, ...figures } = r as { okSeqs?: unknown };
  all[op] = { ...figures, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

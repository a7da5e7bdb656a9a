/**
 * Helpers of the fault suite (issue 9): the CLI with --json as a live NDJSON stream (so a test can inject a
 * fault when a given task starts on a given host), the etcd playbook's reset / fingerprint scripts (copied
 * from e2e/etcd.test.ts) and the "no partial file on any host" check.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { RunEvent } from '@tsplay/core';
import { parseMemberListJson } from '@tsplay/etcd';
import { ETCD_TARBALL } from '@tsplay/lab';
import { hostOutput, lab, labHostExec, onAllHosts } from '../helpers/lab.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'packages/cli/bin/tsplay.js');
export const PLAYBOOK = join(ROOT, 'playbooks/etcd.ts');
export const FIXTURES = join(ROOT, 'e2e/faults/fixtures');
export const TASKS = [
  'download etcd',
  'install etcd binaries',
  'etcd config dir',
  'etcd data dir',
  'etcd ca cert',
  'etcd cert',
  'etcd key',
  'etcd.service',
  'start etcd',
];

export type TaskResult = Extract<RunEvent, { type: 'task.result' }>;
export type Recap = Extract<RunEvent, { type: 'recap' }>;
export interface CliRun {
  code: number;
  signal: NodeJS.Signals | null;
  events: RunEvent[];
  results: TaskResult[];
  /** `host › task` of every result reported changed, sorted. */
  changed: string[];
  recap: Recap | undefined;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface LiveRun {
  child: ChildProcess;
  /** Events so far (grows while the run goes on). */
  events: RunEvent[];
  done: Promise<CliRun>;
}

export function newStateDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `tsplay-faults-${name}-`));
}

/**
 * `tsplay ARGS --json` with its own state dir; `onEvent` sees every event as it arrives (a fault is injected
 * from there). The promise resolves when the process exits, whatever its exit code.
 */
export function tsplayLive(
  args: readonly string[],
  opts: { stateDir: string; env?: Record<string, string>; onEvent?: (e: RunEvent) => void },
): LiveRun {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args, '--json'], {
    cwd: ROOT,
    env: { ...process.env, TSPLAY_STATE_DIR: opts.stateDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: RunEvent[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      if (!l.startsWith('{')) continue;
      const e = JSON.parse(l) as RunEvent;
      events.push(e);
      opts.onEvent?.(e);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliRun>((ok, fail) => {
    child.once('error', fail);
    child.once('close', (code, signal) => {
      const results = events.filter((e): e is TaskResult => e.type === 'task.result');
      const changed = results
        .filter((r) => r.changed)
        .map((r) => `${r.host} › ${r.task}`)
        .sort();
      const recap = events.find((e): e is Recap => e.type === 'recap');
      ok({ code: code ?? -1, signal, events, results, changed, recap, stdout, stderr, ms: Date.now() - t0 });
    });
  });
  return { child, events, done };
}

export const tsplay = (args: readonly string[], opts: { stateDir: string; env?: Record<string, string> }) => tsplayLive(args, opts).done;

/** `tsplay run playbooks/etcd.ts -i <lab inventory> ...extra`. */
export const etcdArgs = (...extra: string[]): string[] => ['run', PLAYBOOK, '-i', lab().inventoryFile, ...extra];

export const explain = (r: CliRun): string =>
  `exit ${r.code} (${r.ms} ms)\n${r.results
    .filter((x) => x.status === 'failed' || x.status === 'unreachable')
    .map((x) => `${x.host} › ${x.task}: ${x.status} ${x.error?.code} ${x.msg ?? x.error?.message}`)
    .join('\n')}\n${r.stderr.slice(-2000)}`;

export const byHost = (hosts: readonly string[], tasks: readonly string[]) => hosts.flatMap((h) => tasks.map((t) => `${h} › ${t}`)).sort();
let lastHosts: { name: string; address: string }[] = [];
/** Host names (and addresses) of the lab; the last known ones while a host is powered off (then `lab()` throws). */
export function labHosts(): { name: string; address: string }[] {
  try {
    lastHosts = lab().hosts.map((h) => ({ name: h.name, address: h.address }));
  } catch (e) {
    if (lastHosts.length === 0) throw e;
  }
  return lastHosts;
}
export const hostNames = (): string[] => labHosts().map((h) => h.name);

export const RESET = [
  'systemctl disable --now etcd 2>/dev/null; systemctl reset-failed etcd 2>/dev/null',
  `rm -rf /etc/systemd/system/etcd.service /etc/etcd /var/lib/etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/src/${ETCD_TARBALL}`,
  'rm -rf /usr/local/src/.*tsplay-* /usr/local/bin/.*tsplay-* /etc/systemd/system/.*tsplay-* /tmp/.tsplay-*',
  'systemctl daemon-reload',
].join('\n');

export const resetAll = () => onAllHosts(RESET, { become: true });

// ---- no partial file on any host ---------------------------------------------------------------------

/** Directories the etcd role writes into; a temp file of tsplay there is `.NAME.tsplay-XXX` or `.tsplay-*`. */
export const TARGET_DIRS = ['/usr/local/bin', '/etc/etcd', '/etc/systemd/system', '/usr/local/src', '/tmp'];
const TARGET_FILES = [
  `/usr/local/src/${ETCD_TARBALL}`,
  '/usr/local/bin/etcd',
  '/usr/local/bin/etcdctl',
  '/etc/etcd/ca.pem',
  '/etc/etcd/kubernetes.pem',
  '/etc/etcd/kubernetes-key.pem',
];
const UNIT = '/etc/systemd/system/etcd.service';

const PROBE = [
  `for p in ${TARGET_FILES.join(' ')}; do [ -f "$p" ] && sha256sum "$p"; done`,
  `[ -f ${UNIT} ] && echo "unit-last $(grep -v '^[[:space:]]*$' ${UNIT} | tail -n 1)"`,
  `find ${TARGET_DIRS.join(' ')} -maxdepth 1 \\( -name '*.tsplay-*' -o -name '.tsplay-*' \\) -printf 'temp %p\\n' 2>/dev/null`,
  'true',
].join('\n');

let tarHashes: Map<string, string> | undefined;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The sha256 each target file must have when present (from the lab's tarball and PKI on this machine). */
export function expectedTargetHashes(overrides: Record<string, string> = {}): Map<string, string> {
  const p = lab().paths;
  if (!tarHashes) {
    const inTar = (f: string) =>
      sha(execFileSync('tar', ['-xOzf', p.tarball, `etcd-v3.4.23-linux-amd64/${f}`], { maxBuffer: 256 * 1024 * 1024 }));
    tarHashes = new Map([
      [`/usr/local/src/${ETCD_TARBALL}`, sha(readFileSync(p.tarball))],
      ['/usr/local/bin/etcd', inTar('etcd')],
      ['/usr/local/bin/etcdctl', inTar('etcdctl')],
    ]);
  }
  // the PKI is made again by every `lab up`: read it each time
  return new Map([
    ...tarHashes,
    ['/etc/etcd/ca.pem', sha(readFileSync(p.caCert))],
    ['/etc/etcd/kubernetes.pem', sha(readFileSync(p.cert))],
    ['/etc/etcd/kubernetes-key.pem', sha(readFileSync(p.key))],
    ...Object.entries(overrides),
  ]);
}

/**
 * Every target file on the host is absent or whole (the expected sha256; the unit ends with its last line) and
 * no tsplay temp file is left in the target directories. Returns the problems (empty = clean).
 */
export async function partialFiles(host: number, overrides: Record<string, string> = {}): Promise<string[]> {
  const want = expectedTargetHashes(overrides);
  const out = await hostOutput(host, PROBE, { become: true });
  const problems: string[] = [];
  for (const line of out.split('\n').filter(Boolean)) {
    const [a, ...rest] = line.split(/\s+/);
    const b = rest.join(' ');
    if (a === 'temp') problems.push(`temp file left: ${b}`);
    else if (a === 'unit-last') {
      if (b !== 'WantedBy=multi-user.target') problems.push(`${UNIT} is cut short (last line: ${b})`);
    } else if (want.get(b) !== a) problems.push(`${b} is not whole (sha256 ${a})`);
  }
  return problems.map((p) => `${lab().hosts[host]?.name}: ${p}`);
}

export async function expectNoPartialFiles(overrides: Record<string, string> = {}): Promise<void> {
  const all = (await Promise.all(lab().hosts.map((h) => partialFiles(h.index, overrides)))).flat();
  expect(all).toEqual([]);
}

// ---- the cluster ------------------------------------------------------------------------------------

export const ETCDCTL =
  'ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem';

export async function expectHealthyCluster(): Promise<void> {
  for (const h of lab().hosts) {
    const members = parseMemberListJson(await hostOutput(h.index, `${ETCDCTL} member list -w json`, { become: true })).members;
    expect(members.map((m) => [m.name, m.status]).sort()).toEqual(
      lab()
        .hosts.map((x) => [x.name, 'started'])
        .sort(),
    );
    expect(await hostOutput(h.index, `${ETCDCTL} endpoint health -w json`, { become: true })).toContain('"health":true');
  }
}

/** The verification tasks of the run passed on every host. */
export function expectVerified(r: CliRun): void {
  for (const task of ['etcd member list', 'etcd endpoint health']) {
    expect(
      r.results
        .filter((x) => x.task === task)
        .map((x) => [x.host, x.status])
        .sort(),
      explain(r),
    ).toEqual(
      hostNames()
        .map((h) => [h, 'ok'])
        .sort(),
    );
  }
}

export async function etcdPids(): Promise<string[]> {
  return (await onAllHosts('systemctl show -p MainPID --value etcd', { become: true })).map((r) => r.stdout.trim());
}

/** Run the etcd playbook until it exits 0 (once) and check the cluster; returns the run. */
export async function converge(stateDir: string, ...extra: string[]): Promise<CliRun> {
  const r = await tsplay(etcdArgs(...extra), { stateDir });
  expect(r.code, explain(r)).toBe(0);
  expectVerified(r);
  return r;
}

export { hostOutput, lab, labHostExec, onAllHosts };

/** One timed tool run: the wall time of the whole CLI process, its exit code and its recap. */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { eventClock, type RunPhases } from './events.js';
import { BENCH_PERSIST_S } from './persisted.js';
import { sampleTree } from './rss.js';
import { machineCpu, persistDaemons, processFigures } from './workstation.js';

export type Tool = 'tsplay' | 'ansible' | 'mitogen';
export const TOOLS_ALL: readonly Tool[] = ['tsplay', 'ansible', 'mitogen'];

export interface Job {
  /** tsplay playbook (.ts) and its Ansible twin (.yml). */
  tsplay: string;
  ansible: string;
  check?: boolean;
  forks: number;
  /**
   * A run from a new workstation (a fresh CI runner): tsplay with an empty state dir (no signature
   * cache) and no persisted connections; Ansible with no ControlPersist masters. Both dirs are given.
   */
  cold?: { stateDir: string; controlPathDir: string } | undefined;
}

export interface Paths {
  root: string;
  /** tsplay inventory (dir or hosts.yaml). */
  inventory: string;
  /** the generated Ansible inventory. */
  ansibleInventory: string;
  ansibleCfg: string;
}

export interface RunResult {
  tool: Tool;
  seconds: number;
  code: number;
  /** Sum over hosts of changed tasks (from the tool's recap); undefined when not found. */
  changed: number | undefined;
  failed: number | undefined;
  tail: string;
  /** Peak RSS, kB: the largest single process of the run (GNU time's %M, exact) or the sampled sum of the tool's process tree, whichever is larger. */
  peakRssKb?: number;
  /** GNU time's "Maximum resident set size" of the tool: its largest process (for tsplay, the CLI process). */
  maxRssKb?: number;
  /** Peak of the RSS sum of the tool's process tree, sampled every 500 ms (Ansible's forks). */
  treeRssKb?: number;
  /** Peak of the open fds summed over the tool's process tree (sockets included), and of its processes. */
  treeFds?: number;
  treeProcs?: number;
  /** CPU seconds (user + system) of the tool's process and the children it waited for (GNU time's %U + %S). */
  cpuS?: number;
  /** The machine's busy core-seconds over the run and the busy fraction of all its cores (/proc/stat). */
  machine?: { busyS: number; busyFraction: number };
  /** tsplay: the persist daemon after the run: its CPU seconds during the run, peak RSS (VmHWM), open fds. */
  daemon?: { cpuS: number; hwmKb: number; fds: number };
  /** tsplay: the run's phases from its NDJSON events (ms since spawn). */
  phases?: RunPhases;
}

export function commandFor(tool: Tool, job: Job, p: Paths): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const check = job.check ? ['--check', '--diff'] : [];
  if (tool === 'tsplay') {
    // warm: connections kept as long as Ansible's ControlPersist (bench/lib/persisted.ts); cold: none
    const env = job.cold
      ? { ...process.env, TSPLAY_STATE_DIR: job.cold.stateDir, TSPLAY_PERSIST: '0' }
      : { ...process.env, TSPLAY_PERSIST: String(BENCH_PERSIST_S) };
    return {
      cmd: process.execPath,
      args: ['packages/cli/bin/tsplay.js', 'run', job.tsplay, '-i', p.inventory, '--forks', String(job.forks), '--json', ...check],
      env,
    };
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ANSIBLE_CONFIG: p.ansibleCfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' };
  if (job.cold) env['ANSIBLE_SSH_CONTROL_PATH_DIR'] = job.cold.controlPathDir;
  if (tool === 'mitogen') env['ANSIBLE_STRATEGY'] = 'mitogen_linear';
  return { cmd: 'ansible-playbook', args: ['-i', p.ansibleInventory, job.ansible, '--forks', String(job.forks), ...check], env };
}

/** One process (`node ARGS`) to its exit: wall seconds from spawn, its output and exit status (the paired benches). */
export function wallSync(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { s: number; stdout: string; stderr: string; status: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20, env });
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** Sum a recap: tsplay's NDJSON `recap` event, or Ansible's `PLAY RECAP` lines. */
export function parseRecap(tool: Tool, out: string): { changed: number; failed: number } | undefined {
  if (tool === 'tsplay') {
    const line = out
      .split('\n')
      .reverse()
      .find((l) => l.startsWith('{"type":"recap"'));
    if (!line) return undefined;
    const r = JSON.parse(line) as { hosts: Record<string, { changed: number; failed: number; unreachable: number }> };
    const hs = Object.values(r.hosts);
    return { changed: hs.reduce((a, h) => a + h.changed, 0), failed: hs.reduce((a, h) => a + h.failed + h.unreachable, 0) };
  }
  const lines = out.split('\n').filter((l) => /^\S+\s+: ok=\d+/.test(l));
  if (lines.length === 0) return undefined;
  const n = (l: string, k: string) => Number(new RegExp(`${k}=(\\d+)`).exec(l)?.[1] ?? 0);
  return {
    changed: lines.reduce((a, l) => a + n(l, 'changed'), 0),
    failed: lines.reduce((a, l) => a + n(l, 'failed') + n(l, 'unreachable'), 0),
  };
}

export function timedRun(tool: Tool, job: Job, p: Paths): Promise<RunResult> {
  const { cmd, args, env } = commandFor(tool, job, p);
  const rssFile = `/tmp/tsplay-bench-ansible/maxrss-${process.pid}`;
  // a daemon left by an earlier run (it is not this run's child): its CPU during the run counts too
  const before = new Map(tool === 'tsplay' ? persistDaemons().map((pid) => [pid, processFigures(pid)?.cpuS ?? 0]) : []);
  return new Promise((resolve, reject) => {
    const cpu = machineCpu();
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    // GNU time is the parent: its %M is the largest RSS of the tool's processes (getrusage of waited children)
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args], {
      cwd: p.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sampler = sampleTree(child.pid ?? -1);
    const events = eventClock();
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (tool === 'tsplay') events.push(d, ms());
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = ms() / 1000;
      const machine = cpu.stop();
      const tree = sampler.stop();
      const time = readTime(rssFile);
      const maxRssKb = time?.maxRssKb;
      const r = parseRecap(tool, out);
      const peak = Math.max(maxRssKb ?? 0, tree.rssKb);
      const phases = events.phases();
      const daemon = tool === 'tsplay' ? daemonFigures(before) : undefined;
      resolve({
        tool,
        seconds,
        code: code ?? 255,
        changed: r?.changed,
        failed: r?.failed,
        tail: failureTail(out),
        ...(peak ? { peakRssKb: peak } : {}),
        ...(maxRssKb ? { maxRssKb } : {}),
        treeRssKb: tree.rssKb,
        treeFds: tree.fds,
        treeProcs: tree.procs,
        ...(time ? { cpuS: time.cpuS } : {}),
        machine,
        ...(daemon ? { daemon } : {}),
        ...(phases ? { phases } : {}),
      });
    });
  });
}

/** The persist daemon after a run (the one it used, started by it or before it): CPU during the run, VmHWM, fds. */
function daemonFigures(before: ReadonlyMap<number, number>): RunResult['daemon'] {
  const figs = persistDaemons()
    .map((pid) => ({ pid, f: processFigures(pid) }))
    .filter((d): d is { pid: number; f: NonNullable<ReturnType<typeof processFigures>> } => d.f !== undefined)
    .map((d) => ({ cpuS: d.f.cpuS - (before.get(d.pid) ?? 0), hwmKb: d.f.hwmKb, fds: d.f.fds }));
  if (figs.length === 0) return undefined;
  // the one that worked most during the run (another checkout's daemon may idle beside it)
  return figs.sort((a, b) => b.cpuS - a.cpuS)[0];
}

/** GNU time's -o file: "%M %U %S" alone on its last line (a "Command exited with non-zero status" line may come first). Pure. */
export function parseTime(text: string): { maxRssKb: number; cpuS: number } | undefined {
  const [m, u, s] = (text.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (!Number.isFinite(m) || !m || m <= 0) return undefined;
  const n = (x: number | undefined): number => (Number.isFinite(x) ? (x as number) : 0);
  return { maxRssKb: m, cpuS: n(u) + n(s) };
}

function readTime(file: string): { maxRssKb: number; cpuS: number } | undefined {
  try {
    return parseTime(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

/** The output's end, preceded by its error lines (a failed host's event is often far above a 200-host recap). */
export function failureTail(out: string): string {
  const errors = out
    .split('\n')
    .filter((l) => !l.startsWith('{"type":"recap"') && /unreachable|error|fatal|FAILED/i.test(l))
    .slice(0, 10)
    .map((l) => l.slice(0, 400));
  return `${errors.length ? `${errors.join('\n')}\n...\n` : ''}${out.slice(-3000)}`;
}

/**
 * `pnpm bench`: tsplay against Ansible (and Ansible + Mitogen) on the lab, same hosts, same run.
 * Each section runs in its own `flock /tmp/tsplay-lab.lock` (bench/section.ts); the tools alternate
 * round by round. Writes bench/results/{latest.json,scaling.svg,README.md} and prints the table.
 *
 *   bash bench/run.sh [--merge] [--rounds 5] [--hosts 3,10,20] [--scaling-rounds N|N,N,..] [--only fresh,idempotent,cold,check,profile,scaling]  [--tools tsplay,ansible,mitogen] [--mitogen-up-to 20]
 *     [--ansible-up-to N] [--scaling-jobs noop,files] [--profile-at N] [--scale-out NAME]
 * Mitogen runs in the scaling rows up to --mitogen-up-to hosts (default 20), Ansible up to --ansible-up-to (default: every size).
 * A scale run (bench/README.md, "Scale"): `--scale-out NAME` writes bench/results/NAME.{json,md,svg} instead of the
 * full run's files (and skips the prepare section); `--scaling-jobs noop,files` adds the etcd-style job (tsplay
 * only); `--profile-at N` traces an in-process no-op run at N hosts.
 * Scaling rounds default to --rounds below 50 hosts, 2 from 50, 1 from 100 (each after an untimed warm-up run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TOOLS_ALL, type Tool } from './lib/measure.js';
import { releasePersisted } from './lib/persisted.js';
import { describeRounds, parseScaleFlags, scalingRounds as roundsPerHosts, toolsAt, type ScaleFlags } from './lib/rounds.js';
import { writeScaleResults } from './lib/scaletable.js';
import { writeResults } from './lib/render.js';
import { forksFor, type SectionKind, type SectionResult, type SectionSpec } from './lib/sections.js';

/** The lab lock of each section; TSPLAY_BENCH_LOCK: a caller that holds the lab lock for the whole run gives an inner one (one hold, no queueing between sections). */
const LOCK = process.env['TSPLAY_BENCH_LOCK'] || '/tmp/tsplay-lab.lock';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: o } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'scaling-rounds': { type: 'string' },
    hosts: { type: 'string', default: '3,10,20' },
    only: { type: 'string', default: 'fresh,idempotent,cold,check,profile,scaling' },
    tools: { type: 'string', default: TOOLS_ALL.join(',') },
    /** Scaling: Mitogen only up to this many hosts (at 100-200 hosts each Ansible-family run takes many minutes). */
    'mitogen-up-to': { type: 'string', default: '20' },
    /** Scaling: Ansible (and Mitogen) only up to this many hosts; above it tsplay alone. */
    'ansible-up-to': { type: 'string' },
    /** Scaling: the jobs of each size (noop = the rows; files = the etcd-style job, tsplay only). */
    'scaling-jobs': { type: 'string', default: 'noop' },
    /** Scaling: a traced in-process no-op run at this host count. */
    'profile-at': { type: 'string' },
    /** A scale run: its results go to bench/results/NAME.{json,md,svg}; the full run's files stay as they are. */
    'scale-out': { type: 'string' },
    /** Keep the sections of the existing results/latest.json that this run does not measure again. */
    merge: { type: 'boolean', default: false },
  },
});
const rounds = Number(o.rounds);
const scalingHosts = o.hosts.split(',').map(Number);
const byHosts = roundsPerHosts(scalingHosts, rounds, o['scaling-rounds']);
if (typeof byHosts === 'string') {
  process.stderr.write(`bench: ${byHosts}\n`);
  process.exit(1);
}
const scalingRounds = describeRounds(byHosts);
const parsedScale = parseScaleFlags(o);
if (typeof parsedScale === 'string') {
  process.stderr.write(`bench: ${parsedScale}\n`);
  process.exit(1);
}
const scaleFlags: ScaleFlags = parsedScale;
const only = new Set(o.only.split(','));
let tools = o.tools.split(',').filter((t): t is Tool => (TOOLS_ALL as readonly string[]).includes(t));
if (!tools.includes('tsplay') || !Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write(
    'usage: bench/run.sh [--rounds N] [--hosts 3,10,20] [--only fresh,idempotent,cold,check,profile,scaling] [--tools tsplay,ansible,mitogen]\n',
  );
  process.exit(1);
}
const tmp = '/tmp/tsplay-bench-ansible/sections';
mkdirSync(tmp, { recursive: true });

const mitogenUpTo = Number(o['mitogen-up-to']);
/** The tools of one section: Mitogen leaves the scaling rows above --mitogen-up-to hosts, Ansible above --ansible-up-to. */
const toolsFor = (kind: SectionKind, hosts: number): Tool[] =>
  kind === 'scaling' ? toolsAt(tools, hosts, { mitogenUpTo, ansibleUpTo: scaleFlags.ansibleUpTo }) : tools;

function section(kind: SectionKind, hosts: number, n: number): SectionResult | undefined {
  const spec: SectionSpec = { kind, hosts, rounds: n, tools: toolsFor(kind, hosts), root };
  if (kind === 'scaling') Object.assign(spec, { jobs: scaleFlags.jobs, profile: hosts === scaleFlags.profileAt });
  const out = join(tmp, `${kind}-${hosts}.json`);
  rmSync(out, { force: true });
  process.stderr.write(`\n== ${kind} on ${hosts} hosts (${n} rounds; ${spec.tools.join(', ')}) waiting for the lab lock\n`);
  const r = spawnSync(
    'flock',
    [LOCK, process.execPath, '--conditions=@tsplay/source', '--import', 'tsx', join(root, 'bench/section.ts'), JSON.stringify(spec), out],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (r.status !== 0) {
    failures.push(`${kind} (${hosts} hosts): exit ${r.status ?? r.signal}`);
    // a scale run keeps what a failed section measured (its runs, the lab's figures, the error)
    return scaleFlags.out !== undefined && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as SectionResult) : undefined;
  }
  return JSON.parse(readFileSync(out, 'utf8')) as SectionResult;
}

const failures: string[] = [];
const sections: SectionResult[] = [];
const started = new Date();
// a scale run measures the scaling sections alone: no etcd converge and equivalence check first
const prep = scaleFlags.out === undefined ? section('prepare', 3, 1) : undefined;
if (!prep && scaleFlags.out === undefined) {
  process.stderr.write('bench: prepare failed, nothing measured\n');
  process.exit(1);
}
if (prep) sections.push(prep);
if (prep?.unavailable.mitogen) tools = tools.filter((t) => t !== 'mitogen');
try {
  for (const kind of ['fresh', 'idempotent', 'cold', 'check'] as const) {
    if (!only.has(kind)) continue;
    const s = section(kind, 3, rounds);
    if (s) sections.push(s);
  }
  if (only.has('profile')) {
    process.stderr.write('\n== profile of the idempotent tsplay run, waiting for the lab lock\n');
    const r = spawnSync(
      'flock',
      [LOCK, process.execPath, '--conditions=@tsplay/source', '--import', 'tsx', join(root, 'bench/profile.ts'), String(rounds)],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (r.status !== 0) failures.push(`profile: exit ${r.status ?? r.signal}`);
  }
  if (only.has('scaling')) {
    process.stderr.write(
      `\nscaling: ${scalingRounds} (after one untimed warm-up run per tool); --forks ${scalingHosts.map((h) => forksFor(h)).join(', ')}; Mitogen up to ${mitogenUpTo} hosts\n`,
    );
    for (const h of scalingHosts) {
      const s = section('scaling', h, byHosts.get(h) ?? 1);
      if (s) sections.push(s);
    }
  }
} finally {
  // Leave the lab as we found it: 3 hosts (etcd converged, or a fresh lab after a resize).
  section('restore', 3, 1);
  releasePersisted(); // and no connection of either tool behind (they are kept 30 minutes in the bench)
}

const dir = join(root, 'bench/results');
if (scaleFlags.out !== undefined) {
  const file = writeScaleResults(dir, scaleFlags.out, {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    command: `bash bench/run.sh ${process.argv.slice(2).join(' ')}`,
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
    machine: machineFigures(),
    sections,
    failures,
  });
  process.stdout.write(`\nscale results: ${file}\n`);
  process.exit(failures.length ? 1 : 0);
}
let mergedWith: string | undefined;
let roundsLine = { rounds, scalingRounds: `${scalingRounds}; Mitogen up to ${mitogenUpTo} hosts` };
if (o.merge && existsSync(join(dir, 'latest.json'))) {
  const old = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as {
    sections: SectionResult[];
    date: string;
    rounds: number;
    scalingRounds: string;
  };
  mergedWith = old.date;
  // the header's rounds are those of the sections in the table: the old run's where this one measured none of them
  const measured = (scaling: boolean) => sections.some((s) => (s.kind === 'scaling') === scaling && s.kind !== 'prepare');
  roundsLine = {
    rounds: measured(false) ? rounds : old.rounds,
    scalingRounds: measured(true) ? roundsLine.scalingRounds : old.scalingRounds,
  };
  const fresh = new Set(sections.map((s) => `${s.kind}/${s.hosts}`));
  const kept = old.sections.filter((s) => !fresh.has(`${s.kind}/${s.hosts}`));
  const order = ['prepare', 'fresh', 'idempotent', 'cold', 'check', 'scaling'];
  sections.splice(
    0,
    sections.length,
    ...[...kept, ...sections].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.hosts - b.hosts),
  );
}
const machine = machineFigures();
const text = writeResults(dir, {
  date: started.toISOString(),
  ...(mergedWith ? { mergedWith } : {}),
  finished: new Date().toISOString(),
  machine,
  ...roundsLine,
  tools,
  sections,
  failures,
});
process.stdout.write(`\n${text}\n`);
if (failures.length) {
  process.stdout.write(`\nFAILED sections: ${failures.join('; ')}\n`);
  process.exit(1);
}

function machineFigures() {
  const version = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim() ?? '?';
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    ansible: version('ansible', ['--version']),
    mitogen: version('dpkg-query', ['-W', '-f', '${Version}', 'ansible-mitogen']),
  };
}

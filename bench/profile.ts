/**
 * Where an idempotent tsplay run of the etcd playbook spends its time (bench/README.md, "Profile").
 * Run under the lab lock: `flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/profile.ts [runs]`.
 * Prints the phases (median of N runs), import costs, and the host-side cost of the fact probe's hashing;
 * writes bench/results/profile.json.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labHostExec } from '@tsplay/lab';
import { byHandRun, hostUnits } from './lib/by-hand.js';
import { ensureLab, resetEtcd } from './lib/lab.js';
import { stat } from './lib/stats.js';
import { medianPhases, timeline, type Phases } from './lib/timeline.js';
import { traceRun, type ExecRecord } from './lib/trace.js';
import { cpuShare } from './lib/cpu.js';
import { coldPhases, connectionFloors, freshTrace } from './lib/floors.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 5);
const lab = await ensureLab(3, (m) => process.stderr.write(`${m}\n`));

const wall = (args: string[]): number => {
  const t0 = process.hrtime.bigint();
  spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const med = (f: () => number) => stat(Array.from({ length: n }, f)).median;
const imp = (spec: string) => ['--input-type=module', '-e', `await import(${JSON.stringify(spec)})`];

// Converge first (others use the lab between bench sections); untimed.
if (
  spawnSync(process.execPath, ['packages/cli/bin/tsplay.js', 'run', 'playbooks/etcd.ts', '-i', lab.inventoryFile], {
    cwd: root,
    stdio: 'ignore',
  }).status !== 0
) {
  throw new Error('profile: the converge before profiling failed');
}
const runs: Phases[] = [];
for (let i = 0; i < n; i++) runs.push(await timeline(root, ['run', 'playbooks/etcd.ts', '-i', lab.inventoryFile]));
const phases = medianPhases(runs);

const baseline = med(() => wall(['-e', '0']));
const imports: Record<string, number> = {};
for (const [name, spec] of [
  ['cli (dist/index.js)', './packages/cli/dist/index.js'],
  ['@tsplay/core', '@tsplay/core'],
  ['@tsplay/modules', '@tsplay/modules'],
  ['@tsplay/etcd', '@tsplay/etcd'],
  ['@tsplay/ssh (ssh2)', '@tsplay/ssh'],
  ['zod', 'zod'],
] as const) {
  imports[name] = med(() => wall(imp(spec))) - baseline;
}

// The start of the CLI in steps (bench/startup.mjs: node boot, CLI import, playbook import, inventory, ssh import).
const startups = Array.from(
  { length: n },
  () =>
    JSON.parse(spawnSync(process.execPath, ['bench/startup.mjs', lab.inventoryFile], { cwd: root, encoding: 'utf8' }).stdout) as Record<
      string,
      number
    >,
);
const startup = Object.fromEntries(Object.keys(startups[0] ?? {}).map((k) => [k, stat(startups.map((x) => x[k] ?? NaN)).median]));

// The probe's parts, timed on each of 3 hosts at once (as in a real run, on this machine's cores).
const probeScript = `
ms() { echo $(( $(date +%s%N) / 1000000 )); }
a=$(ms); sha256sum /usr/local/src/etcd-v*-linux-amd64.tar.gz >/dev/null; b=$(ms)
sha256sum /usr/local/bin/etcd /usr/local/bin/etcdctl >/dev/null; c=$(ms)
t=$(mktemp -d); tar -x -f /usr/local/src/etcd-v*-linux-amd64.tar.gz -C "$t" --strip-components=1 --wildcards -- '*/etcd' '*/etcdctl'; sha256sum "$t"/* >/dev/null; rm -rf "$t"; d=$(ms)
stat -c '%s %Y %Z %i' /usr/local/src/etcd-v*-linux-amd64.tar.gz /usr/local/bin/etcd /usr/local/bin/etcdctl >/dev/null; e=$(ms)
echo "$((b-a)) $((c-b)) $((d-c)) $((e-d))"`;
const hostRuns = await Promise.all(
  lab.hosts.slice(0, 3).map(async (h) => (await labHostExec(h.index, probeScript, { become: true })).stdout.trim().split(' ').map(Number)),
);
const host = {
  hashTarballMs: stat(hostRuns.map((r) => r[0] ?? NaN)).median,
  hashBinariesMs: stat(hostRuns.map((r) => r[1] ?? NaN)).median,
  extractAndHashMembersMs: stat(hostRuns.map((r) => r[2] ?? NaN)).median,
  statOnlyMs: stat(hostRuns.map((r) => r[3] ?? NaN)).median,
};

// Round trips: an in-process run with traced connections; then the probe (first exec) timed on the host alone.
const { value: tr, cpu: idempotentCpu } = await cpuShare(() => traceRun('playbooks/etcd.ts', lab.inventoryFile));
const perHost = new Map<string, ExecRecord[]>();
for (const e of tr.execs) perHost.set(e.host, [...(perHost.get(e.host) ?? []), e]);
const first = perHost.get(lab.hosts[0]?.name ?? '') ?? [];
const probeScriptRun = first[0]?.script ?? 'true';
// each host's own probe (its signature-cache lines are per host), on its host, all 3 at once
const timed = (script: string) => `t0=$(date +%s%N); ( ${script}\n) >/dev/null 2>&1 </dev/null; echo $(( ($(date +%s%N) - t0) / 1000000 ))`;
const probeHostMs = await Promise.all(
  lab.hosts
    .slice(0, 3)
    .map(async (h) =>
      Number((await labHostExec(h.index, timed(perHost.get(h.name)?.[0]?.script ?? 'true'), { become: true })).stdout.trim()),
    ),
);
const roundTrips = {
  wallInProcessMs: tr.wallMs,
  cpu: idempotentCpu,
  connectMs: tr.connectMs,
  execsPerHost: Object.fromEntries([...perHost].map(([h, es]) => [h, es.length])),
  execsOfFirstHost: first.map((e) => ({
    startMs: Math.round(e.startMs),
    ms: Math.round(e.ms),
    script: e.script.replace(/\s+/g, ' ').slice(0, 90),
  })),
  probeScriptBytes: probeScriptRun.length,
  probeScriptOnHostAloneMs: probeHostMs,
};

// The floors (one handshake, one exec round trip), the cold re-run's phases, and a fresh converge's round trips.
const floors = { nodeStartMs: baseline, ...(await connectionFloors(lab.inventoryFile, n)) };
const coldPhasesMs = await coldPhases(root, lab.inventoryFile, n);
const fresh = await freshTrace(lab);
// the chapter by hand on the same hosts, reset again: the fresh converge's floor, phase by phase
const units = await hostUnits(lab);
await resetEtcd(lab);
const byHand = await byHandRun(lab, units);

const out = {
  date: new Date().toISOString(),
  loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  runs: n,
  phasesMs: phases,
  slowTasks: runs[runs.length - 1]?.slowTasks,
  nodeBaselineMs: baseline,
  floors,
  coldPhasesMs,
  startupMs: startup,
  importMs: imports,
  hostProbeMs: host,
  roundTrips,
  fresh,
  freshByHand: { ms: Math.round(byHand.seconds * 1000), lastHost: byHand.last },
};
writeFileSync(join(root, 'bench/results/profile.json'), `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);

/**
 * The bench sections. Each runs inside one `flock /tmp/tsplay-lab.lock` (see bench/section.ts),
 * alternating the tools round by round, and returns its raw figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { labHostExec, type RunningLab } from '@tsplay/lab';
import { writeAnsibleInventory } from './ansible-inventory.js';
import { ensureLab, etcdStartTime, freshLab, resetEtcd, timedDown, type LabFigures, type Log } from './lab.js';
import { byHandConverge, hostUnits } from './by-hand.js';
import { timedRun, type Job, type Paths, type RunResult, type Tool } from './measure.js';
import type { ScaleJob } from './rounds.js';
import { filesJob, traceSummary, type ScaleRun, type TraceSummary } from './scale.js';

export type SectionKind = 'prepare' | 'fresh' | 'idempotent' | 'cold' | 'check' | 'scaling' | 'restore';

export interface SectionSpec {
  kind: SectionKind;
  rounds: number;
  tools: Tool[];
  /** Lab hosts for this section (scaling: 3, 10, 20...; the etcd sections: 3). */
  hosts: number;
  root: string;
  /** scaling: the jobs (default noop alone; `files` adds the etcd-style job, tsplay only) */
  jobs?: ScaleJob[];
  /** scaling: a traced in-process tsplay no-op run at the end (bench/lib/scale.ts) */
  profile?: boolean;
}

export interface Measured extends RunResult {
  round: number;
}

export interface SectionResult {
  kind: SectionKind;
  hosts: number;
  runs: Measured[];
  /** Seconds from the first `systemctl start etcd` to the last member active (fresh). */
  etcdStart: number[];
  /** fresh: seconds of the chapter's own commands by hand, one exec per host, all hosts at once (lib/by-hand.ts). */
  byHand?: number[];
  /** Tools that could not run, with the reason (e.g. Mitogen's version check). */
  unavailable: Partial<Record<Tool, string>>;
  notes: string[];
  /** scaling: the lab's own up/down time and memory at this size. */
  lab?: LabFigures;
  /** The machine's 1-minute load average at the start and the end of the section (2 cores; others share it). */
  load?: [number, number];
  /** scaling: the first no-op run of each tool on the fresh lab, and the files job's runs (bench/lib/scale.ts). */
  scale?: ScaleRun[];
  /** scaling with `profile`: the traced in-process no-op run. */
  trace?: TraceSummary;
  /** Set when the section failed: what was measured before the failure is kept (scale runs render it). */
  error?: string;
}

export const ETCD_JOB = { tsplay: 'playbooks/etcd.ts', ansible: 'bench/ansible/etcd.yml' } as const;
/** Forks of every tool (tsplay `--forks`, Ansible `--forks`): one per host, at most 50 (200 hosts: 4 batches). */
export const MAX_FORKS = 50;
export const forksFor = (hosts: number): number => Math.min(MAX_FORKS, Math.max(3, hosts));

export const NOOP_JOB = { tsplay: 'bench/playbooks/noop.ts', ansible: 'bench/ansible/noop.yml' } as const;

/** Round r runs the tools rotated by r, so no tool always goes first. */
export const rotate = <T>(xs: readonly T[], r: number): T[] => xs.map((_, i) => xs[(i + r) % xs.length] as T);

async function paths(root: string, lab: RunningLab): Promise<Paths> {
  const ansibleInventory = '/tmp/tsplay-bench-ansible/inventory.yml';
  await writeAnsibleInventory(lab.inventoryFile, ansibleInventory);
  return { root, inventory: lab.inventoryFile, ansibleInventory, ansibleCfg: join(root, 'bench/ansible/ansible.cfg') };
}

function mustPass(r: RunResult, what: string): void {
  if (r.code !== 0) throw new Error(`${r.tool} ${what} failed (exit ${r.code}):\n${r.tail}`);
}

export const emptyResult = (spec: SectionSpec): SectionResult => ({
  kind: spec.kind,
  hosts: spec.hosts,
  runs: [],
  etcdStart: [],
  unavailable: {},
  notes: [],
});

/** Runs one section into `res` (the caller keeps what was measured when it throws: bench/section.ts writes it with the error). */
export async function runSection(spec: SectionSpec, log: Log, res: SectionResult = emptyResult(spec)): Promise<SectionResult> {
  const load0 = loadavg()[0] ?? NaN;
  // scaling: a lab of exactly this size, booted now (its up time and memory are figures too)
  const fresh = spec.kind === 'scaling' ? await freshLab(spec.hosts, log) : undefined;
  if (fresh) res.lab = fresh.figures;
  const lab = fresh?.lab ?? (await ensureLab(spec.hosts, log));
  const p = await paths(spec.root, lab);
  const forks = forksFor(spec.hosts);
  const etcd: Job = { ...ETCD_JOB, forks };
  const record = (round: number, r: RunResult) => {
    res.runs.push({ ...r, round });
    if (spec.kind !== 'fresh' && r.changed)
      res.notes.push(`${r.tool} round ${round}: ${r.changed} changed task(s) where none were expected`);
    log(
      `  ${spec.kind} h=${spec.hosts} r${round} ${r.tool.padEnd(7)} ${r.seconds.toFixed(3)} s exit=${r.code} changed=${r.changed ?? '?'} peak RSS ${r.peakRssKb ? Math.round(r.peakRssKb / 1024) : '?'} MB`,
    );
  };

  switch (spec.kind) {
    case 'prepare': {
      // Converge with tsplay, then every tool once on the converged hosts: a tool that reports a change
      // here does not do the same job (or is not idempotent). Mitogen that cannot run is written down.
      mustPass(await timedRun('tsplay', etcd, p), 'first converge');
      for (const tool of spec.tools) {
        const r = await timedRun(tool, etcd, p);
        if (r.code !== 0 && tool === 'mitogen') {
          res.unavailable.mitogen = r.tail.trim().split('\n').slice(-12).join('\n');
          res.notes.push('mitogen: could not run, see unavailable.mitogen');
          continue;
        }
        mustPass(r, 'run on converged hosts');
        record(0, r);
        res.notes.push(`${tool} on hosts converged by tsplay: changed=${r.changed ?? '?'}`);
      }
      break;
    }
    case 'fresh': {
      // the hosts' units as a converge wrote them, for the chapter by hand (converged first when they are not)
      const units = await hostUnits(lab).catch(async () => {
        mustPass(await timedRun('tsplay', etcd, p), 'converge before the section');
        return hostUnits(lab);
      });
      for (let round = 0; round < spec.rounds; round++) {
        await resetEtcd(lab);
        const hand = await byHandConverge(lab, units);
        (res.byHand ??= []).push(hand);
        log(`  the chapter by hand (one exec per host, all at once): ${hand.toFixed(3)} s`);
        for (const tool of rotate(spec.tools, round)) {
          await resetEtcd(lab);
          const r = await timedRun(tool, etcd, p);
          mustPass(r, 'fresh converge');
          record(round, r);
        }
        const s = await etcdStartTime(lab);
        res.etcdStart.push(s);
        log(`  etcd own start (3 members, empty data dirs): ${s.toFixed(3)} s`);
      }
      break;
    }
    case 'cold':
      // Converged hosts, but each timed run as from a new workstation (see Job.cold): new empty dirs every run.
      mustPass(await timedRun('tsplay', etcd, p), 'converge before the section');
      for (let round = 0; round < spec.rounds; round++) {
        for (const tool of rotate(spec.tools, round)) {
          const cold = {
            stateDir: mkdtempSync(join(tmpdir(), 'tsplay-bench-cold-')),
            controlPathDir: mkdtempSync(join(tmpdir(), 'tsplay-bench-cp-')),
          };
          const r = await timedRun(tool, { ...etcd, cold }, p);
          rmSync(cold.stateDir, { recursive: true, force: true });
          rmSync(cold.controlPathDir, { recursive: true, force: true });
          mustPass(r, 'cold re-run');
          record(round, r);
        }
      }
      break;
    case 'idempotent':
    case 'check':
      // Others use the lab between sections: converge first (untimed), and warm each tool up once
      // (Ansible's ControlPersist masters, page cache), so every timed run starts from the same state.
      mustPass(await timedRun('tsplay', etcd, p), 'converge before the section');
      for (const tool of spec.tools) mustPass(await timedRun(tool, etcd, p), 'warm-up');
      for (let round = 0; round < spec.rounds; round++) {
        for (const tool of rotate(spec.tools, round)) {
          const r = await timedRun(tool, { ...etcd, check: spec.kind === 'check' }, p);
          mustPass(r, spec.kind);
          record(round, r);
        }
      }
      break;
    case 'scaling': {
      const noop: Job = { ...NOOP_JOB, forks };
      res.scale = [];
      for (const tool of spec.tools) {
        // creates the files and dials every host; not in the rows, kept as the scale table's "fresh" no-op
        const r = await timedRun(tool, noop, p);
        res.scale.push({ ...r, job: 'noop', phase: 'fresh', round: 0 });
        mustPass(r, 'no-op warm-up');
      }
      for (let round = 0; round < spec.rounds; round++) {
        for (const tool of rotate(spec.tools, round)) {
          const r = await timedRun(tool, noop, p);
          record(round, r); // before the check: a failed run at scale is a figure too (exit code, unreachable hosts)
          mustPass(r, 'no-op');
        }
      }
      if (spec.jobs?.includes('files')) {
        await filesJob(spec.hosts, spec.rounds, forks, p, log, { runs: res.scale, notes: res.notes });
      }
      if (spec.profile) {
        // in process, from source: a failure here is written down, the timed runs above stand
        await traceSummary(NOOP_JOB.tsplay, lab.inventoryFile, spec.hosts, forks).then(
          (t) => (res.trace = t),
          (e: unknown) => res.notes.push(`traced run failed: ${String(e).slice(0, 300)}`),
        );
      }
      if (res.lab) res.lab.downSeconds = await timedDown(); // the next section (or restore) boots its own lab
      break;
    }
    case 'restore':
      // ensureLab above brought back 3 hosts when the count differed; take away the no-op bench's files.
      await Promise.all(
        lab.hosts.map((h) =>
          labHostExec(h.index, 'rm -rf /etc/tsplay-bench /var/lib/tsplay-bench-tsplay /var/lib/tsplay-bench-ansible', { become: true }),
        ),
      );
      break;
  }
  res.load = [load0, loadavg()[0] ?? NaN];
  return res;
}

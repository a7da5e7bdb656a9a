/**
 * The differential check-mode fuzzer (issue 16): random playbooks of file, copy, template, download,
 * unarchive, command and systemd tasks over random starting states on the 3 lab hosts. For each one:
 * fingerprint (an oracle independent of tsplay), --check, fingerprint (must be identical), the real run,
 * fingerprint, a second --check, fingerprint; then the three assertions of `verdict.ts`.
 *
 *   FUZZ_SEED=N (default 1)  FUZZ_COUNT=playbooks (default 204)  FUZZ_ONLY=play indexes (3,7)  FUZZ_BATCH=plays per run (12)  FUZZ_EXCLUDE=kinds (creates,removes)
 *   flock /tmp/tsplay-lab.lock npx vitest run --project e2e e2e/fuzz/fuzz.test.ts
 * A summary (seed, counts, duration, wall time per phase and per task kind, every mismatch with its case) goes to
 * $TMPDIR/tsplay-fuzz-summary.json. Most of the time is tsplay's own runs (seed 1: the real runs ~60%, the checks ~30%).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab, onAllHosts } from '../helpers/lab.js';
import { generatePlay } from './gen.js';
import { cleanupScript, fingerprintAll, labTarball, prepareHosts, tsplayRun } from './lab-run.js';
import type { FuzzPlay } from './model.js';
import { fuzzPlaybook, playName, type Predictions } from './playbook.js';
import { judge } from './verdict.js';

const env = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d);
const SEED = env('FUZZ_SEED', 1);
const COUNT = env('FUZZ_COUNT', 204);
const BATCH = env('FUZZ_BATCH', 12);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : process.env.FUZZ_ONLY.split(',').map(Number);
/** Kinds left out (when hunting one class of mismatch at a time). */
const EXCLUDE = (process.env.FUZZ_EXCLUDE ?? '').split(',').filter(Boolean);
const SUMMARY = join(tmpdir(), 'tsplay-fuzz-summary.json');

let stateDir: string;
beforeAll(() => {
  lab();
  stateDir = mkdtempSync(join(tmpdir(), 'tsplay-fuzz-state-'));
});
afterAll(async () => {
  await onAllHosts(cleanupScript(true), { become: true }).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

interface Totals {
  seed: number;
  playbooks: number;
  tasks: number;
  unknown: number;
  changed: number;
  echoTasks: number;
  echoUnknown: number;
  runs: number;
  durationMs: number;
  /** Wall time per phase, summed over batches (where the fuzzer's time goes). */
  phasesMs: Record<string, number>;
  /** Wall time per task kind (all plays, all hosts at once) in the real runs and the first checks. */
  runTaskMs: Record<string, number>;
  checkTaskMs: Record<string, number>;
  mismatches: string[];
  failing: unknown[];
}

/** Awaits `f` and adds its wall time to phase `name`. */
async function timed<T>(t: Totals, name: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    t.phasesMs[name] = (t.phasesMs[name] ?? 0) + Date.now() - t0;
  }
}

/** Runs one batch of plays (one check, one run, one re-check for all of them) and judges every case. */
async function runBatch(plays: FuzzPlay[], hosts: string[], t: Totals): Promise<void> {
  const tarball = labTarball();
  await timed(t, 'prepare', () => prepareHosts(plays, hosts.length, tarball));
  const predictions: Predictions = new Map();
  const pb = fuzzPlaybook(plays, hosts, predictions);
  const fingerprint = () => timed(t, 'fingerprint', () => fingerprintAll(plays, hosts.length));
  const fp0 = await fingerprint();
  const check = await timed(t, 'check', () => tsplayRun(pb, true, stateDir));
  const fp1 = await fingerprint();
  const run = await timed(t, 'run', () => tsplayRun(pb, false, stateDir));
  const fp2 = await fingerprint();
  // once per fuzz run, where the hosts hold most objects: the batched fingerprint is the shared helper's, key for key
  if (t.runs === 0)
    expect(await fingerprintAll(plays, hosts.length, true), 'the batched fingerprint differs from helpers/fingerprint.ts').toEqual(fp2);
  for (const [k, ms] of run.taskMs) t.runTaskMs[k] = (t.runTaskMs[k] ?? 0) + ms;
  for (const [k, ms] of check.taskMs) t.checkTaskMs[k] = (t.checkTaskMs[k] ?? 0) + ms;
  const recheck = await timed(t, 'recheck', () => tsplayRun(fuzzPlaybook(plays, hosts, new Map()), true, stateDir));
  const fp3 = await fingerprint();
  t.runs += 3;
  for (const p of plays) {
    for (const c of p.cases) {
      const fps = [fp0, fp1, fp2, fp3].map((f) => f[c.host]) as never;
      const v = judge(c, {
        host: hosts[c.host] as string,
        play: playName(p),
        check: check.outcomes,
        run: run.outcomes,
        recheck: recheck.outcomes,
        predictions,
        fps,
      });
      t.playbooks += 1;
      t.tasks += v.tasks;
      t.unknown += v.unknown;
      t.changed += v.changed;
      t.echoTasks += v.echoTasks;
      t.echoUnknown += v.echoUnknown;
      if (v.mismatches.length === 0) continue;
      t.mismatches.push(
        ...v.mismatches.map(
          (m) =>
            `${m}\n  rerun: FUZZ_SEED=${SEED} FUZZ_ONLY=${plays.map((q) => q.index).join(',')}${EXCLUDE.length ? ` FUZZ_EXCLUDE=${EXCLUDE.join(',')}` : ''} flock /tmp/tsplay-lab.lock npx vitest run --project e2e e2e/fuzz/fuzz.test.ts`,
        ),
      );
      t.failing.push({ play: p.index, host: hosts[c.host], kinds: p.kinds, start: c.start, tasks: c.tasks, mismatches: v.mismatches });
    }
  }
}

describe('check mode never lies: differential fuzzer on the lab', () => {
  const plays = ONLY ?? Array.from({ length: Math.ceil(COUNT / 3) }, (_, i) => i);
  it(`${plays.length * 3} generated playbooks (seed ${SEED}): check predicts exactly what the run does`, async () => {
    const hosts = lab().hosts.map((h) => h.name);
    const tarball = labTarball();
    const t: Totals = {
      seed: SEED,
      playbooks: 0,
      tasks: 0,
      unknown: 0,
      changed: 0,
      echoTasks: 0,
      echoUnknown: 0,
      runs: 0,
      durationMs: 0,
      phasesMs: {},
      runTaskMs: {},
      checkTaskMs: {},
      mismatches: [],
      failing: [],
    };
    const t0 = Date.now();
    for (let i = 0; i < plays.length; i += BATCH) {
      const batch = plays.slice(i, i + BATCH).map((k) => generatePlay(SEED, k, hosts, tarball, EXCLUDE));
      await runBatch(batch, hosts, t);
      t.durationMs = Date.now() - t0;
      writeFileSync(SUMMARY, JSON.stringify(t, null, 2));
    }
    expect(t.playbooks).toBe(plays.length * hosts.length);
    // a generator that mostly produces unknowns proves nothing: at least 4 of 5 tasks must be exactly
    // predicted (seed 1: 237 of 1527 unknown, mostly probes and tasks below what a `creates` command makes)
    expect(t.unknown).toBeLessThan(t.tasks / 5);
    expect(t.changed).toBeGreaterThan(t.tasks / 4);
    // the echo chain (ECHO_KINDS) is made to be unknown, and is counted apart: it must have been unknown
    // (a write of unknown content followed by tasks on its path) and exactly predicted, both, many times
    expect(t.echoUnknown).toBeGreaterThan(10);
    expect(t.echoTasks - t.echoUnknown).toBeGreaterThan(10);
    expect(t.mismatches, `${t.mismatches.length} mismatches (seed ${SEED}; details in ${SUMMARY})`).toEqual([]);
  }, 1_800_000); // a budget, not a speed claim: 204 playbooks take ~5 min on 2 cores
});

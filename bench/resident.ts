/**
 * The resident runner against a run in its own process, paired: the etcd job's idempotent re-run and its
 * `--check --diff` on the converged 3-host lab, with this checkout's CLI and `TSPLAY_RESIDENT=1` and `=0` in
 * turn (order alternating per pair; connections persisted for both, so only the start differs), and
 * `node -e 0` in each pair as the floor. A resident run that was not hosted fails the bench (`-v` says why).
 * Prints each pair and the medians as JSON. Run under the lab lock:
 *   flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/resident.ts [PAIRS]
 */
import { ensureLab } from './lib/lab.js';
import { parseRecap, wallSync as wall } from './lib/measure.js';
import { stat } from './lib/stats.js';

const pairs = Number(process.argv[2] ?? 8);
const lab = await ensureLab(3, (m) => console.error(m));
const modes = { own: '0', resident: '1' } as const;
type Mode = keyof typeof modes;
const jobs = { rerun: [], check: ['--check', '--diff'] } as const;
type Job = keyof typeof jobs;

/** One run of the job; it must change nothing, and a resident one must have been hosted. */
function timed(job: Job, mode: Mode): number {
  const args = ['packages/cli/bin/tsplay.js', 'run', 'playbooks/etcd.ts', '-i', lab.inventoryFile, '--json', '-v', ...jobs[job]];
  const r = wall(args, { ...process.env, TSPLAY_RESIDENT: modes[mode] });
  if (r.status !== 0) throw new Error(`${job} ${mode}: exit ${r.status}: ${r.stderr.slice(-2000)}`);
  const changed = parseRecap('tsplay', r.stdout)?.changed ?? -1;
  if (changed !== 0) throw new Error(`${job} ${mode}: ${changed} tasks changed; the bench needs the converged lab`);
  if (mode === 'resident' && r.stderr.includes('resident runner not used')) throw new Error(`${job}: not hosted: ${r.stderr.trim()}`);
  return r.s;
}

// converge, then start the resident daemon (a run with TSPLAY_RESIDENT=1 starts it when it ends) and warm both up
wall(['packages/cli/bin/tsplay.js', 'run', 'playbooks/etcd.ts', '-i', lab.inventoryFile], { ...process.env, TSPLAY_RESIDENT: '1' });
for (const job of Object.keys(jobs) as Job[]) for (const mode of ['resident', 'own'] as const) timed(job, mode);

const rows: { pair: number; job: Job; mode: Mode; s: number }[] = [];
const floors: number[] = [];
for (let i = 0; i < pairs; i++) {
  floors.push(wall(['-e', '0'], process.env).s);
  for (const job of Object.keys(jobs) as Job[]) {
    for (const mode of (i % 2 === 0 ? ['own', 'resident'] : ['resident', 'own']) as Mode[]) {
      const s = timed(job, mode);
      rows.push({ pair: i + 1, job, mode, s });
      console.error(`pair ${i + 1} ${job} ${mode}: ${s.toFixed(2)} s`);
    }
  }
}
const of = (job: Job, mode: Mode) => rows.filter((r) => r.job === job && r.mode === mode).map((r) => r.s);
const summary = (job: Job) => {
  const own = of(job, 'own');
  const resident = of(job, 'resident');
  const ratios = resident.map((r, i) => r / (own[i] as number));
  return { own: stat(own).median, resident: stat(resident).median, ratio: stat(ratios).median, ratios };
};
console.log(JSON.stringify({ pairs, floor: stat(floors).median, rerun: summary('rerun'), check: summary('check'), rows }, null, 1));

/**
 * The free strategy against the linear one, paired: a first run on fresh hosts and the re-run after it,
 * with this checkout's CLI, `--strategy linear` and `--strategy free` in turn (order alternating per pair).
 * The etcd job on the 3-host lab (etcd reset before each first run), or the bench's no-op playbook on N
 * hosts with fewer forks than hosts (its files removed before each first run). Prints each pair and the
 * medians as JSON. Run under the lab lock:
 *   flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/strategy.ts [PAIRS] [etcd | noop HOSTS FORKS]
 */
import { ensureLab, resetEtcd, resetNoop } from './lib/lab.js';
import { parseRecap, wallSync } from './lib/measure.js';
import { stat } from './lib/stats.js';

const pairs = Number(process.argv[2] ?? 4);
const job = process.argv[3] === 'noop' ? 'noop' : 'etcd';
const hosts = job === 'noop' ? Number(process.argv[4] ?? 12) : 3;
const forks = job === 'noop' ? Number(process.argv[5] ?? 4) : 10;
const lab = await ensureLab(hosts, (m) => console.error(m));
const playbook = job === 'noop' ? 'bench/playbooks/noop.ts' : 'playbooks/etcd.ts';

/** Back to fresh hosts for the job. */
const reset = (): Promise<void> => (job === 'etcd' ? resetEtcd(lab) : resetNoop(lab));

/** One CLI run; wall seconds and the tasks it changed (from the recap). */
function timed(strategy: string): { s: number; changed: number } {
  const args = [
    'packages/cli/bin/tsplay.js',
    'run',
    playbook,
    '-i',
    lab.inventoryFile,
    '--json',
    '--forks',
    String(forks),
    '--strategy',
    strategy,
  ];
  const r = wallSync(args, { ...process.env, TSPLAY_PERSIST: '0' });
  if (r.status !== 0) throw new Error(`--strategy ${strategy}: exit ${r.status}: ${r.stderr.slice(-2000)}`);
  return { s: r.s, changed: parseRecap('tsplay', r.stdout)?.changed ?? 0 };
}

const median = (xs: number[]) => stat(xs).median;
const rows: { pair: number; strategy: string; fresh: number; rerun: number }[] = [];
for (let i = 0; i < pairs; i++) {
  for (const strategy of i % 2 === 0 ? ['linear', 'free'] : ['free', 'linear']) {
    await reset();
    const fresh = timed(strategy);
    const rerun = timed(strategy);
    if (fresh.changed === 0 || rerun.changed !== 0)
      throw new Error(`--strategy ${strategy}: fresh changed ${fresh.changed}, re-run ${rerun.changed}`);
    rows.push({ pair: i + 1, strategy, fresh: fresh.s, rerun: rerun.s });
    console.error(`pair ${i + 1} ${strategy}: fresh ${fresh.s.toFixed(2)} s, re-run ${rerun.s.toFixed(2)} s`);
  }
}
const of = (st: string, k: 'fresh' | 'rerun') => rows.filter((r) => r.strategy === st).map((r) => r[k]);
const ratios = (k: 'fresh' | 'rerun') => of('free', k).map((f, i) => f / (of('linear', k)[i] as number));
console.log(
  JSON.stringify(
    {
      job,
      hosts,
      forks,
      pairs,
      medians: {
        fresh: { free: median(of('free', 'fresh')), linear: median(of('linear', 'fresh')) },
        rerun: { free: median(of('free', 'rerun')), linear: median(of('linear', 'rerun')) },
      },
      ratios: { fresh: ratios('fresh'), rerun: ratios('rerun') },
      rows,
    },
    null,
    1,
  ),
);

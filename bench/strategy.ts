/**
 * The free strategy against the linear one, paired: the fresh etcd converge (etcd reset before each run)
 * and the idempotent re-run after it, with this checkout's CLI, `--strategy linear` and `--strategy free`
 * in turn (order alternating per pair), on the 3-host lab. Prints each pair and the medians as JSON.
 * Run under the lab lock: `flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/strategy.ts [PAIRS]`.
 */
import { spawnSync } from 'node:child_process';
import { ensureLab, resetEtcd } from './lib/lab.js';

const pairs = Number(process.argv[2] ?? 4);
const lab = await ensureLab(3, (m) => console.error(m));

/** One CLI run; wall seconds and the tasks it changed (from the recap). */
function timed(strategy: string): { s: number; changed: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['packages/cli/bin/tsplay.js', 'run', 'playbooks/etcd.ts', '-i', lab.inventoryFile, '--json', '--strategy', strategy],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, TSPLAY_PERSIST: '0' } },
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`--strategy ${strategy}: exit ${r.status}: ${r.stderr.slice(-2000)}`);
  const recap = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; hosts?: Record<string, { changed: number }> })
    .find((e) => e.type === 'recap');
  return { s, changed: Object.values(recap?.hosts ?? {}).reduce((n, h) => n + h.changed, 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const rows: { pair: number; strategy: string; fresh: number; rerun: number }[] = [];
for (let i = 0; i < pairs; i++) {
  for (const strategy of i % 2 === 0 ? ['linear', 'free'] : ['free', 'linear']) {
    await resetEtcd(lab);
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

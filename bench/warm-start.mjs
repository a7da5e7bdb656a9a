// The CLI's start, paired against node's own: `node bench/warm-start.mjs [PAIRS] [name=BIN ...]`.
// Each round runs `node -e 0` (the floor) and every variant once, in an order rotated round by round,
// and takes each variant's ratio to the floor of the same round (so the machine's drift cancels).
// A variant is `tsplay run` of a one-task no-op playbook on a local-connection inventory (no lab),
// timed to its `run.start` line on stdout and to its exit, with its CPU time. Variants: `normal` (the bin
// as shipped); with --options the options measured and not kept (bench/warm-start-options.mjs); with
// --resident the shipped resident runner (the same bin with TSPLAY_RESIDENT=1: a thin client, the run hosted
// by the per-user daemon, docs/warm-start.md); and any `name=path/to/bin.js` given (or `name=--node-args`,
// `name=--node-flags::bin.js`). Nothing here needs the lab.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { optionVariants, optionsDir } from './warm-start-options.mjs';

const args = process.argv.slice(2);
const pairs = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
const bin = resolve('packages/cli/bin/tsplay.js');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-warm-bench-'));
const playbook = join(dir, 'noop.ts');
writeFileSync(
  playbook,
  `import { definePlaybook, task } from '@tsplay/core';
import { command } from '@tsplay/modules';
export default definePlaybook({
  name: 'noop',
  plays: [{ name: 'noop', hosts: 'all', tasks: [task(command, () => ({ argv: ['true'], readOnly: true }), { name: 'noop' })] }],
});
`,
);
writeFileSync(join(dir, 'hosts.yaml'), 'defaults: { connection: local }\nhosts:\n  one: {}\n');
const run = ['run', playbook, '-i', join(dir, 'hosts.yaml'), '--json'];
const env = (extra) => ({ ...process.env, TSPLAY_STATE_DIR: join(dir, 'state'), TSPLAY_CACHE_DIR: join(dir, 'cache'), ...extra });
// --resident: also the shipped resident runner; its daemon (one per CLI build, under this persist dir) is
// started by the warm-up run and stopped at the end
const resident = args.includes('--resident') ? join(dir, 'persist') : undefined;
const residentEnv = { TSPLAY_RESIDENT: '1', TSPLAY_PERSIST_DIR: resident ?? '' };
/** The daemons published under the persist dir (pid). */
const daemons = () =>
  resident && existsSync(resident)
    ? readdirSync(resident)
        .map((b) => join(resident, b, 'daemon.json'))
        .filter((f) => existsSync(f))
        .map((f) => JSON.parse(readFileSync(f, 'utf8')).pid)
    : [];
const variants = [
  { name: 'floor', argv: ['-e', '0'], env: env({}) },
  { name: 'normal', argv: [bin, ...run], env: env({}) },
  ...(args.includes('--options') ? (await optionVariants(run)).map((v) => ({ ...v, env: env({}) })) : []),
  // -v: a run that was not hosted says why on stderr, and the bench fails rather than time the fall-back
  ...(resident ? [{ name: 'resident', argv: [bin, ...run, '-v'], env: env(residentEnv) }] : []),
  ...args
    .filter((a) => a.includes('='))
    .map((a) => {
      const [name, spec] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
      // `name=--node-flag ...`: node with these arguments only (an experiment that prints its own run.start and recap);
      // `name=--node-flag ...::path/to/bin.js`: that bin's run with these node flags
      const [flags, file] = spec.includes('::') ? spec.split('::') : spec.startsWith('--') ? [spec, undefined] : ['', spec];
      return { name, argv: [...flags.split(' ').filter(Boolean), ...(file ? [resolve(file), ...run] : [])], env: env({}) };
    }),
];

/** One process: ms from spawn to its `run.start` line (NaN for the floor), to its exit, and its CPU ms (user + sys). */
function once(v) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    let start = Number.NaN;
    let out = '';
    // GNU time adds the same exec to every variant and gives the CPU time, which load disturbs less than wall time
    const p = spawn('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, ...v.argv], { env: v.env, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (d) => {
      out += d;
      if (Number.isNaN(start) && out.includes('"type":"run.start"')) start = Number(process.hrtime.bigint() - t0) / 1e6;
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      const exit = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) rej(new Error(`${v.name} exited ${code}: ${err}`));
      else if (v.name !== 'floor' && !out.includes('"type":"recap"')) rej(new Error(`${v.name}: no recap`));
      else if (v.name === 'resident' && err.includes('resident runner not used') && !v.warming)
        rej(new Error(`resident: not hosted: ${err}`));
      else {
        const [, u, sy] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(err) ?? [];
        res({ start, exit, cpu: (Number(u) + Number(sy)) * 1000 });
      }
    });
  });
}

const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (xs, d = 0) => `${med(xs).toFixed(d)} [${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)}]`;

try {
  for (const v of variants) await once({ ...v, warming: true }); // warm-up: the playbook's bundle cache, the page cache
  if (resident) {
    // the warm-up's resident run found no daemon, ran itself and started one: wait until it is published and warm
    while (daemons().length === 0) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 3; i++) await once(variants.find((v) => v.name === 'resident'));
  }
  const rows = variants.map(() => []);
  for (let i = 0; i < pairs; i++) {
    const round = [];
    for (let j = 0; j < variants.length; j++) {
      const k = (i + j) % variants.length;
      round[k] = await once(variants[k]);
    }
    for (const [k, r] of round.entries())
      rows[k].push({ ...r, startRatio: r.start / round[0].exit, exitRatio: r.exit / round[0].exit, cpuRatio: r.cpu / round[0].cpu });
  }
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(1));
  process.stdout.write(
    `${new Date().toISOString().slice(0, 16)} UTC, commit ${commit}, node ${process.version}, ${pairs} rounds, load ${load.join(' ')}\n\n`,
  );
  process.stdout.write(
    '| variant | to run.start ms | to exit ms | CPU ms | run.start / floor | exit / floor | CPU / floor |\n|---|---|---|---|---|---|---|\n',
  );
  for (const [k, v] of variants.entries()) {
    const r = rows[k];
    const s =
      k === 0
        ? ['-', '-']
        : [
            fmt(r.map((x) => x.start)),
            `${fmt(
              r.map((x) => x.startRatio),
              2,
            )}`,
          ];
    const one = (f) => (k === 0 ? '1' : fmt(r.map(f), 2));
    process.stdout.write(
      `| ${v.name} | ${s[0]} | ${fmt(r.map((x) => x.exit))} | ${fmt(r.map((x) => x.cpu))} | ${s[1]} | ${one((x) => x.exitRatio)} | ${one((x) => x.cpuRatio)} |\n`,
    );
  }
  for (const [k, v] of variants.entries()) {
    if (k < 2) continue;
    const pr = (f) =>
      fmt(
        rows[k].map((x, i) => f(x) / f(rows[1][i])),
        3,
      );
    process.stdout.write(`\n${v.name} / normal, paired: to exit ${pr((x) => x.exit)}, CPU ${pr((x) => x.cpu)}`);
  }
  if (resident) process.stdout.write("\n(resident: the client's CPU only; the run's own CPU is spent in the resident daemon)");
  process.stdout.write('\n');
} finally {
  for (const pid of daemons()) process.kill(pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  rmSync(optionsDir, { recursive: true, force: true });
}

// The pairs of bench/paired.sh (see there). argv: worktree and rev of A, worktree and rev of B, pairs.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { requireLab } from '@tsplay/lab';

const [wtA, revA, wtB, revB, pairsArg] = process.argv.slice(2);
const pairs = Number(pairsArg);
const inv = requireLab().inventoryFile; // LAB_NOT_UP at once when the lab is down
const args = ['run', 'playbooks/etcd.ts', '-i', inv, '--json'];

/** Tasks the run changed, from its recap event (a re-run must change nothing, or the pair compares two converges). */
function changedIn(ndjson) {
  const recap = ndjson
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .find((e) => e.type === 'recap');
  return Object.values(recap?.hosts ?? {}).reduce((n, h) => n + h.changed, 0);
}

/** One run of a checkout's own CLI and playbook, from its own directory; wall seconds. */
function timed(root, mustBeIdempotent = true) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['packages/cli/bin/tsplay.js', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${root}: tsplay exited ${r.status}: ${r.stderr}`);
  if (mustBeIdempotent && changedIn(r.stdout) > 0)
    throw new Error(`${root}: the re-run changed ${changedIn(r.stdout)} tasks: the two commits converge to different states`);
  return s;
}
timed(wtB, false); // converge once, then one warm-up each
timed(wtA);
timed(wtB);
const rows = [];
for (let i = 0; i < pairs; i++) {
  const a = timed(wtA);
  const b = timed(wtB);
  rows.push({ a, b, ratio: b / a });
  process.stdout.write(`pair ${i + 1}: A ${a.toFixed(3)} s  B ${b.toFixed(3)} s  B/A ${(b / a).toFixed(3)}\n`);
}
const med = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const line = `| ${new Date().toISOString().slice(0, 16)} | ${revA} | ${revB} | ${pairs} | ${med(rows.map((r) => r.a)).toFixed(3)} | ${med(rows.map((r) => r.b)).toFixed(3)} | ${med(rows.map((r) => r.ratio)).toFixed(3)} (${Math.min(...rows.map((r) => r.ratio)).toFixed(3)}-${Math.max(...rows.map((r) => r.ratio)).toFixed(3)}) |`;
process.stdout.write(`median B/A ${med(rows.map((r) => r.ratio)).toFixed(3)}\n`);
appendFileSync('bench/results/paired.md', `${line}\n`);

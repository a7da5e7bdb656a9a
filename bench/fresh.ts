/**
 * A fresh etcd converge on the 3-host lab, N times, traced in process: the first host's execs, their time,
 * the wall time, and etcd's own start measured right after (the fresh converge's floor).
 * Run under the lab lock: `flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/fresh.ts [N]`.
 */
import { ensureLab, etcdStartTime } from './lib/lab.js';
import { freshTrace } from './lib/floors.js';

const n = Number(process.argv[2] ?? 3);
const lab = await ensureLab(3, (m) => console.error(m));
for (let i = 0; i < n; i++) {
  const t = await freshTrace(lab);
  const start = await etcdStartTime(lab);
  console.log(JSON.stringify({ round: i + 1, etcdStartMs: Math.round(start * 1000), ...t }, null, 1));
}

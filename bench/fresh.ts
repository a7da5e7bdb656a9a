/**
 * A fresh etcd converge on the 3-host lab, N times, traced in process (lib/floors.ts `freshTrace`: the wall time,
 * whose CPU it spent, the first host's slowest execs), and etcd's own start measured right after (the fresh
 * converge's floor).
 * Run under the lab lock: `flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/fresh.ts [N]`.
 */
import { freshTrace } from './lib/floors.js';
import { ensureLab, etcdStartTime } from './lib/lab.js';

const n = Number(process.argv[2] ?? 3);
const lab = await ensureLab(3, (m) => console.error(m));
for (let i = 0; i < n; i++) {
  const trace = await freshTrace(lab);
  const etcdStartMs = Math.round((await etcdStartTime(lab)) * 1000);
  console.log(JSON.stringify({ round: i + 1, ...trace, etcdStartMs }, null, 1));
}

/**
 * A fresh etcd converge on the 3-host lab, N times, traced in process (lib/floors.ts `freshTrace`: the wall time,
 * whose CPU it spent, the last host's execs with what each carries and the gaps between them), then etcd's own
 * start, and the chapter's own commands by hand on the same reset hosts (lib/by-hand.ts: the fresh converge's
 * floor on this lab, phase by phase on its last host's clock).
 * Run under the lab lock: `flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/fresh.ts [N]`.
 */
import { byHandRun, hostUnits } from './lib/by-hand.js';
import { freshTrace } from './lib/floors.js';
import { ensureLab, etcdStartTime, resetEtcd } from './lib/lab.js';

const n = Number(process.argv[2] ?? 3);
const lab = await ensureLab(3, (m) => console.error(m));
let units: string[] | undefined;
for (let i = 0; i < n; i++) {
  const trace = await freshTrace(lab);
  const etcdStartMs = Math.round((await etcdStartTime(lab)) * 1000);
  units ??= await hostUnits(lab);
  await resetEtcd(lab);
  const hand = await byHandRun(lab, units);
  console.log(
    JSON.stringify({ round: i + 1, ...trace, etcdStartMs, byHandMs: Math.round(hand.seconds * 1000), byHandLastHost: hand.last }, null, 1),
  );
}

/**
 * A fresh etcd converge on the 3-host lab, N times, traced in process: the wall time, whose CPU it spent (lib/cpu.ts),
 * the first host's execs (start, duration, script) and etcd's own start measured right after (the fresh converge's floor).
 * Run under the lab lock: `flock /tmp/tsplay-lab.lock node --conditions=@tsplay/source --import tsx bench/fresh.ts [N]`.
 */
import { ensureLab, etcdStartTime, resetEtcd } from './lib/lab.js';
import { cpuShare } from './lib/cpu.js';
import { traceRun } from './lib/trace.js';

const n = Number(process.argv[2] ?? 3);
const lab = await ensureLab(3, (m) => console.error(m));
for (let i = 0; i < n; i++) {
  await resetEtcd(lab);
  const { value: tr, cpu } = await cpuShare(() => traceRun('playbooks/etcd.ts', lab.inventoryFile));
  const first = tr.execs.filter((e) => e.host === lab.hosts[0]?.name);
  const start = await etcdStartTime(lab);
  const execs = first.map((e) => `${Math.round(e.startMs)} +${Math.round(e.ms)} ${e.script.replace(/\s+/g, ' ').slice(0, 60)}`);
  const round = { round: i + 1, exitCode: tr.exitCode, wallMs: Math.round(tr.wallMs), etcdStartMs: Math.round(start * 1000), cpu, execs };
  console.log(JSON.stringify(round, null, 1));
}

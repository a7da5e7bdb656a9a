/** Lab chores of the bench: host count, etcd reset, etcd's own start time. All callers hold the lab lock. */
import {
  labDown,
  labHostExec,
  labIsRunning,
  labPaths,
  labStatus,
  labUp,
  requireLab,
  type LabMemorySummary,
  type RunningLab,
} from '@tsplay/lab';
import { releasePersisted } from './persisted.js';

export type Log = (msg: string) => void;

/** Make sure the lab runs exactly `hosts` hosts (down + up when the count differs or it is not up). */
export async function ensureLab(hosts: number, log: Log): Promise<RunningLab> {
  const s = await labStatus();
  if (s.state === 'up' && s.hosts.length === hosts) return requireLab();
  log(`lab: ${s.state} with ${s.hosts.length} hosts; bringing up ${hosts} hosts`);
  releasePersisted(); // no connection of either tool outlives its host
  if (s.state !== 'down') await labDown();
  await labUp({ hosts });
  return requireLab();
}

export { labIsRunning, labPaths };

/** The lab's own figures at one size: `lab up` (from a lab that is down) and `lab down`, and its memory after the up. */
export interface LabFigures {
  hosts: number;
  upSeconds: number;
  downSeconds?: number;
  memory?: LabMemorySummary;
  /** The wave lines of the up (`  wave 3/25: controller-16..controller-23 up in 4.1 s (24/200)`). */
  waves: string[];
}

/** Down (untimed), then a timed `lab up` of `hosts`; both tools' connections to the old hosts are closed first. */
export async function freshLab(hosts: number, log: Log): Promise<{ lab: RunningLab; figures: LabFigures }> {
  releasePersisted();
  await labDown();
  const waves: string[] = [];
  const t0 = process.hrtime.bigint();
  const r = await labUp({
    hosts,
    log: (l) => {
      if (l.startsWith('  wave ')) waves.push(l);
      log(`  lab: ${l.trim()}`);
    },
  });
  const upSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { lab: requireLab(), figures: { hosts, upSeconds, waves, ...(r.memory ? { memory: r.memory } : {}) } };
}

/** A timed `lab down` (seconds). */
export async function timedDown(): Promise<number> {
  const t0 = process.hrtime.bigint();
  await labDown();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Everything the etcd job puts on a host, removed; systemd forgets the unit. */
export const RESET_SCRIPT = `
systemctl stop etcd 2>/dev/null
systemctl disable etcd 2>/dev/null
rm -f /etc/systemd/system/etcd.service /etc/systemd/system/multi-user.target.wants/etcd.service
rm -rf /usr/local/bin/etcd /usr/local/bin/etcdctl /etc/etcd /var/lib/etcd
rm -f /usr/local/src/etcd-v*-linux-amd64.tar.gz /usr/local/src/.etcd-v*
systemctl daemon-reload
systemctl reset-failed etcd 2>/dev/null
test ! -e /usr/local/bin/etcd && test ! -e /etc/systemd/system/etcd.service
`;

/** `script` as root on every lab host at once; throws naming the host when one fails. */
async function onAll(lab: RunningLab, script: string, what: string): Promise<string[]> {
  const rs = await Promise.all(lab.hosts.map((h) => labHostExec(h.index, script, { become: true, timeoutMs: 60_000 })));
  rs.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`${what} failed on ${lab.hosts[i]?.name}: exit ${r.code}: ${r.stderr.trim().slice(-500)}`);
  });
  return rs.map((r) => r.stdout);
}

export async function resetEtcd(lab: RunningLab): Promise<void> {
  await onAll(lab, RESET_SCRIPT, 'etcd reset');
}

/** What tsplay's run of the no-op playbook (bench/playbooks/noop.ts) made, removed: the next run is a first run. */
export async function resetNoop(lab: RunningLab): Promise<void> {
  await onAll(lab, 'rm -rf /etc/tsplay-bench/tsplay /var/lib/tsplay-bench-tsplay', 'no-op reset');
}

/**
 * etcd's own start time on a converged cluster: stop etcd everywhere, empty the data dirs (a new
 * cluster, like a fresh converge), then `systemctl start etcd` on every host at once. Type=notify
 * makes start return when the member is ready (the cluster has quorum). The hosts share this
 * machine's clock, so the figure is last `active` minus first `start` (seconds).
 */
export async function etcdStartTime(lab: RunningLab): Promise<number> {
  await onAll(lab, 'systemctl stop etcd && rm -rf /var/lib/etcd/member', 'etcd stop');
  const out = await onAll(
    lab,
    't0=$(date +%s%N); systemctl start etcd || exit 1; t1=$(date +%s%N); systemctl is-active --quiet etcd || exit 1; echo "$t0 $t1"',
    'etcd start',
  );
  const ts = out.map((o) => o.trim().split(' ').map(Number) as [number, number]);
  const first = Math.min(...ts.map((t) => t[0]));
  const last = Math.max(...ts.map((t) => t[1]));
  return (last - first) / 1e9;
}

/**
 * The fresh converge's floor on this lab, measured: the chapter's own commands by hand, one exec per host, on
 * every host at once, doing the work a fresh converge does (download with its sha256 checked, the two binaries
 * unpacked, the directories, the three certificate files and the unit written and fsynced, `daemon-reload`,
 * `enable`, a blocking `start`, `etcdctl member list`) and nothing else: no safety check, no probe, no report.
 * Timed on the hosts' own clock (they share the machine's), from the first host's first command to the last
 * host's last: no SSH connection or round trip is in it. tsplay's fresh converge minus this is what tsplay adds.
 */
import { readFileSync } from 'node:fs';
import { quote } from '@tsplay/core';
import { ETCD_TARBALL, ETCD_URL_BASE, ETCD_VERSION, labHostExec, labPaths, type RunningLab } from '@tsplay/lab';

export const UNIT_PATH = '/etc/systemd/system/etcd.service';
const SRC = '/usr/local/src';

/** A quoted heredoc that writes `text` to `path` with `mode` (PEM and unit text: no delimiter line inside). */
function put(path: string, text: string, mode: string): string[] {
  if (text.split('\n').includes('TSPLAY_BY_HAND_EOF')) throw new Error(`${path}: its text holds the heredoc's delimiter`);
  return [`cat > ${quote(path)} <<'TSPLAY_BY_HAND_EOF'`, text.replace(/\n$/, ''), 'TSPLAY_BY_HAND_EOF', `chmod ${mode} ${quote(path)}`];
}

export interface ByHandFiles {
  ca: string;
  cert: string;
  key: string;
  /** The host's own unit, as tsplay wrote it. */
  unit: string;
  /** sha256 of the release tarball (hex). */
  sha256: string;
}

/** What the chapter by hand does, in order: each phase ends where the script notes the time after it. */
export const BY_HAND_PHASES = [
  'download and checksum',
  'extraction',
  'directories, files, sync',
  'daemon-reload, enable, start',
  'etcdctl member list',
] as const;
export type ByHandPhase = (typeof BY_HAND_PHASES)[number];

/**
 * The script one host runs (as root): prints the ns since the epoch at its start and after each phase
 * (BY_HAND_PHASES), on one line. Pure, for the test beside it.
 */
export function byHandScript(f: ByHandFiles): string {
  const tarball = `${SRC}/${ETCD_TARBALL}`;
  const url = `${ETCD_URL_BASE}/v${ETCD_VERSION}/${ETCD_TARBALL}`;
  const dir = `etcd-v${ETCD_VERSION}-linux-amd64`;
  const certs = ['/etc/etcd/ca.pem', '/etc/etcd/kubernetes.pem', '/etc/etcd/kubernetes-key.pem'];
  const mark = (i: number) => `t${i}=$(date +%s%N)`;
  return [
    mark(0),
    'set -e',
    `curl -fsS --proto =https -o ${quote(tarball)} ${quote(url)}`,
    `echo ${quote(`${f.sha256}  ${tarball}`)} | sha256sum -c --quiet`,
    mark(1),
    `tar -xzf ${quote(tarball)} -C /usr/local/bin --strip-components=1 ${quote(`${dir}/etcd`)} ${quote(`${dir}/etcdctl`)}`,
    mark(2),
    'mkdir -p /etc/etcd /var/lib/etcd',
    'chmod 700 /var/lib/etcd',
    ...put(certs[0] as string, f.ca, '0644'),
    ...put(certs[1] as string, f.cert, '0644'),
    ...put(certs[2] as string, f.key, '0600'),
    ...put(UNIT_PATH, f.unit, '0644'),
    `sync ${[tarball, '/usr/local/bin/etcd', '/usr/local/bin/etcdctl', ...certs, UNIT_PATH].map((p) => quote(p)).join(' ')}`,
    mark(3),
    'systemctl daemon-reload',
    'systemctl enable --quiet etcd',
    'systemctl start etcd',
    mark(4),
    `ETCDCTL_API=3 /usr/local/bin/etcdctl member list --endpoints=https://127.0.0.1:2379 --cacert=${certs[0]} --cert=${certs[1]} --key=${certs[2]} >/dev/null`,
    mark(5),
    `echo ${BY_HAND_PHASES.map((_, i) => `"$t${i}"`).join(' ')} "$t${BY_HAND_PHASES.length}"`,
  ].join('\n');
}

/** Each host's unit as the last converge wrote it (read before the reset that precedes the measurement). */
export async function hostUnits(lab: RunningLab): Promise<string[]> {
  return Promise.all(
    lab.hosts.map(async (h) => {
      const r = await labHostExec(h.index, `cat ${UNIT_PATH}`, { become: true });
      if (r.code !== 0 || !r.stdout.includes('ExecStart='))
        throw new Error(`${h.name}: no ${UNIT_PATH} to run the chapter by hand with (converge first)`);
      return r.stdout;
    }),
  );
}

/** The chapter by hand on every host at once: seconds from the first host's start to the last host's end. */
export interface ByHandRun {
  seconds: number;
  /** The host that ended last: each phase's ms (BY_HAND_PHASES), and when it started after the first host did. */
  last: { host: string; startedAfterMs: number; phasesMs: Record<ByHandPhase, number> };
}

/** The chapter by hand on every host at once, on hosts reset by the caller. */
export async function byHandRun(lab: RunningLab, units: readonly string[]): Promise<ByHandRun> {
  const p = labPaths();
  const sha256 = readFileSync(p.sha256, 'utf8')
    .split('\n')
    .find((l) => l.trim().endsWith(ETCD_TARBALL))
    ?.split(/\s+/)[0];
  if (!sha256) throw new Error(`${p.sha256} has no line for ${ETCD_TARBALL}`);
  const [ca, cert, key] = [p.caCert, p.cert, p.key].map((f) => readFileSync(f, 'utf8')) as [string, string, string];
  const out = await Promise.all(
    lab.hosts.map(async (h, i) => {
      const r = await labHostExec(h.index, byHandScript({ ca, cert, key, unit: units[i] ?? '', sha256 }), {
        become: true,
        timeoutMs: 120_000,
      });
      if (r.code !== 0) throw new Error(`the chapter by hand failed on ${h.name}: exit ${r.code}: ${r.stderr.trim().slice(-500)}`);
      return { host: h.name, marks: r.stdout.trim().split(' ').map(Number) };
    }),
  );
  const first = Math.min(...out.map((o) => o.marks[0] ?? 0));
  const last = out.reduce((a, b) => ((b.marks.at(-1) ?? 0) > (a.marks.at(-1) ?? 0) ? b : a));
  const at = (i: number) => last.marks[i] ?? 0;
  const phasesMs = Object.fromEntries(BY_HAND_PHASES.map((ph, i) => [ph, Math.round((at(i + 1) - at(i)) / 1e6)])) as Record<
    ByHandPhase,
    number
  >;
  return {
    seconds: (at(BY_HAND_PHASES.length) - first) / 1e9,
    last: { host: last.host, startedAfterMs: Math.round((at(0) - first) / 1e6), phasesMs },
  };
}

/** The chapter by hand on every host at once, on hosts reset by the caller; seconds (first start to last end). */
export async function byHandConverge(lab: RunningLab, units: readonly string[]): Promise<number> {
  return (await byHandRun(lab, units)).seconds;
}

/**
 * The cluster probe every day-2 operation starts from: on a host that has etcdctl and the certs, one
 * script runs `member list`, `endpoint health`, `endpoint status` (over every endpoint) and `alarm list`,
 * each between markers; `parseClusterProbe` turns it into a ClusterView. Read-only.
 */
import { sh } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import type { Tls } from '../schemas.js';
import { parseEndpointHealth, parseMemberListJson } from '../members.js';
import type { ClusterView } from './checks.js';
import { failedEndpoints, parseAlarms, parseEndpointStatus } from './status.js';

export type { Tls } from '../schemas.js';

export interface EtcdctlTarget extends Tls {
  /** Client URLs, e.g. https://10.240.0.10:2379. */
  endpoints: readonly string[];
  etcdctl?: string;
}

/** `ETCDCTL_API=3 etcdctl --endpoints=... TLS --dial-timeout=2s --command-timeout=5s ARGS` as one shell command. */
export function etcdctl(t: EtcdctlTarget, args: readonly string[]): string {
  const flags = [
    `--endpoints=${t.endpoints.join(',')}`,
    `--cacert=${t.caFile}`,
    `--cert=${t.certFile}`,
    `--key=${t.keyFile}`,
    '--dial-timeout=2s',
    '--command-timeout=5s',
  ];
  return sh`ETCDCTL_API=3 ${t.etcdctl ?? '/usr/local/bin/etcdctl'} ${flags} ${args}`;
}

const SECTIONS = ['members', 'health', 'status', 'alarms'] as const;

/** The probe script: `absent` when this host has no etcdctl (a member to be). */
export function clusterProbeScript(t: EtcdctlTarget): string {
  const cmds: Record<(typeof SECTIONS)[number], string> = {
    members: etcdctl(t, ['member', 'list', '-w', 'json']),
    // --cluster: every member's client URLs from the member list (the endpoints only find the cluster)
    health: etcdctl(t, ['endpoint', 'health', '--cluster', '-w', 'json']),
    status: etcdctl(t, ['endpoint', 'status', '--cluster', '-w', 'json']),
    alarms: etcdctl(t, ['alarm', 'list', '-w', 'json']),
  };
  return [
    sh`if [ ! -x ${t.etcdctl ?? '/usr/local/bin/etcdctl'} ] || [ ! -r ${t.certFile} ]; then echo absent; exit 0; fi`,
    ...SECTIONS.map((s) => `echo '@@${s}'; ${cmds[s]} 2>&1; echo "@@rc $?"`),
  ].join('\n');
}

export type ProbeResult = { absent: true } | { absent: false; view: ClusterView; problems: string[] };

function sections(out: string): Map<string, { text: string; rc: number }> {
  const map = new Map<string, { text: string; rc: number }>();
  for (const part of out.split(/^@@(?=members|health|status|alarms)/m).slice(1)) {
    const [name = '', ...rest] = part.split('\n');
    const body = rest.join('\n');
    const m = /^@@rc (\d+)$/m.exec(body);
    map.set(name.trim(), { text: m ? body.slice(0, m.index) : body, rc: m ? Number(m[1]) : 255 });
  }
  return map;
}

/** Pure. An etcdctl that failed outright leaves its part empty and says so in `problems`. */
export function parseClusterProbe(out: string): ProbeResult {
  if (out.trim() === 'absent') return { absent: true };
  const s = sections(out);
  const problems: string[] = [];
  const take = <T>(name: string, parse: (t: string) => T, empty: T): T => {
    const part = s.get(name);
    try {
      return part ? parse(part.text) : empty;
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
      return empty;
    }
  };
  const view: ClusterView = {
    members: take('members', (t) => parseMemberListJson(t).members, []),
    health: take('health', parseEndpointHealth, []),
    status: take('status', parseEndpointStatus, []),
    alarms: take('alarms', parseAlarms, []),
  };
  for (const f of failedEndpoints(s.get('status')?.text ?? '')) problems.push(`${f.endpoint}: ${f.error}`);
  return { absent: false, view, problems };
}

/** The probe from this member's own endpoint, as the fact of a read-only check (etcd-preflight, etcd-upgrade-preflight). */
export function clusterProbeFact(a: Tls & { endpoint: string; etcdctl?: string }) {
  return commandFact(
    `etcd-probe:${a.endpoint}`,
    clusterProbeScript({ ...a, endpoints: [a.endpoint] }),
    (r) => parseClusterProbe(r.stdout),
    { become: true },
  );
}

/**
 * What the upgrade of one member polls while the member comes back, as one read-only script (unit state,
 * `GET /version` of the member, its `endpoint health`, `endpoint status` over every member) and its pure
 * parser into a MemberProbe for judgeMemberUp.
 */
import { sh } from '@tsplay/core';
import { parseEndpointHealth } from '../members.js';
import { curlTls } from '../schemas.js';
import { clientUrl, type EtcdMember } from '../unit.js';
import { etcdctl, type Tls } from './probe.js';
import { parseEndpointStatus, parseVersionJson } from './status.js';
import { parseEtcdUnitState, type MemberProbe } from './upgrade-judge.js';

export interface MemberTarget extends Tls {
  self: EtcdMember;
  members: readonly EtcdMember[];
  etcdctl: string;
}

/** `curl GET https://<ip>:2379/version` with the client certificate: `{"etcdserver":..,"etcdcluster":..}`. */
export function versionCurl(t: Tls, ip: string): string {
  return sh`curl -s --max-time 2 ${curlTls(t)} ${`${clientUrl(ip)}/version`}`;
}

export function memberProbeScript(t: MemberTarget): string {
  const all = { ...t, endpoints: t.members.map((m) => clientUrl(m.ip)) };
  return [
    // a unit that has exited answers nothing else: say so at once instead of waiting for etcdctl's timeouts
    `echo '@@unit'; __u=$(systemctl show etcd -p ActiveState -p SubState -p NRestarts -p ExecMainStatus); echo "$__u"`,
    `case "$__u" in *SubState=auto-restart*|*ActiveState=failed*) exit 0;; esac`,
    `echo '@@version'; ${versionCurl(t, t.self.ip)}; echo`,
    `echo '@@health'; ${etcdctl({ ...t, endpoints: [clientUrl(t.self.ip)] }, ['endpoint', 'health', '-w', 'json'])} 2>&1`,
    `echo '@@status'; ${etcdctl(all, ['endpoint', 'status', '-w', 'json'])} 2>&1`,
  ].join('\n');
}

function sectionsOf(out: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of out.split(/^@@(?=unit$|version$|health$|status$)/m).slice(1)) {
    const nl = part.indexOf('\n');
    map.set(nl < 0 ? part : part.slice(0, nl), nl < 0 ? '' : part.slice(nl + 1));
  }
  return map;
}

function safely<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** Pure: a section etcdctl or curl could not answer leaves its part empty (not healthy, no version, no status). */
export function parseMemberProbe(out: string): MemberProbe {
  const s = sectionsOf(out);
  const health = safely(() => parseEndpointHealth(s.get('health') ?? ''), []);
  return {
    unit: parseEtcdUnitState(s.get('unit') ?? ''),
    server: safely(() => parseVersionJson(s.get('version') ?? '').server, ''),
    healthy: health.length > 0 && health.every((h) => h.health),
    status: safely(() => parseEndpointStatus(s.get('status') ?? ''), []),
  };
}

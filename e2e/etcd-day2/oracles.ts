/**
 * Host oracles shared by the certificate e2e files (certs.test.ts, rotation.test.ts): what a member serves
 * (openssl s_client on the host, a new TLS handshake), etcd's main PID and restart window (systemd), the
 * leader (etcdctl endpoint status), and both writers started with the files a client holds at that point.
 */
import { startEtcdctlWriter } from '../helpers/writer-etcdctl.js';
import { startWriter, type WriterOptions, type WriterReport } from '../helpers/writer.js';
import { hostOutput } from '../helpers/lab.js';
import { etcdctlOn } from './harness.js';

export const names = ['controller-0', 'controller-1', 'controller-2'];
export const ips = ['10.240.0.10', '10.240.0.11', '10.240.0.12'];
export const endpoints = ips.map((ip) => `https://${ip}:2379`);

/** The sha256 fingerprint and serial of the certificate a member serves on a port, as openssl on the host sees it. */
export async function served(host: string, ip: string, port: number): Promise<{ fingerprint: string; serial: string }> {
  const tls = '-CAfile /etc/etcd/ca.pem -cert /etc/etcd/kubernetes.pem -key /etc/etcd/kubernetes-key.pem';
  const out = await hostOutput(
    host,
    `openssl s_client -connect ${ip}:${port} ${tls} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 -serial`,
    { become: true },
  );
  const line = (k: RegExp) => out.split('\n').find((l) => k.test(l)) ?? '';
  return {
    fingerprint: line(/Fingerprint=/),
    serial: line(/^serial=/)
      .replace(/^serial=/, '')
      .toUpperCase(),
  };
}

/** etcd's main PID on every member (systemd's own answer). */
export async function mainPids(): Promise<string[]> {
  return Promise.all(names.map(async (h) => (await hostOutput(h, 'systemctl show -p MainPID --value etcd', { become: true })).trim()));
}

/** systemd's last stop (ActiveExit) and start (ActiveEnter) of etcd, in ms since the epoch. */
export async function restartWindow(host: string): Promise<{ host: string; from: number; to: number }> {
  const out = await hostOutput(host, 'systemctl show etcd -p ActiveExitTimestamp -p ActiveEnterTimestamp --timestamp=us+utc', {
    become: true,
  });
  const at = (k: string) => {
    const m = new RegExp(`^${k}=\\w+ (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+) UTC$`, 'm').exec(out);
    if (!m?.[1]) throw new Error(`${host}: no ${k} in ${out}`);
    return Date.parse(`${m[1].replace(' ', 'T').slice(0, 23)}Z`);
  };
  return { host, from: at('ActiveExitTimestamp'), to: at('ActiveEnterTimestamp') };
}

export async function leaderName(): Promise<string> {
  const table = await etcdctlOn('controller-0', `--endpoints=${endpoints.join(',')} endpoint status -w table`);
  const ip = ips.find((x) => table.split('\n').some((l) => l.includes(`${x}:2379`) && / true /.test(l)));
  if (!ip) throw new Error(`no leader in ${table}`);
  return names[ips.indexOf(ip)] as string;
}

export interface Both {
  gateway: WriterReport;
  etcdctl: WriterReport & { errors: string[] };
}

/** Both writers (gateway and etcdctl/clientv3, all endpoints) with the given client files; stop() reports both. */
export function startBoth(o: Omit<WriterOptions, 'endpoints' | 'prefix'>, prefix: string): { stop(): Promise<Both> } {
  const g = startWriter({ ...o, endpoints, prefix });
  const e = startEtcdctlWriter({ ...o, endpoints, prefix: `${prefix.replace(/\/$/, '')}-etcdctl/` });
  return {
    async stop() {
      const [gateway, etcdctl] = await Promise.all([g.stop(), e.stop()]);
      const errors = e
        .attempts()
        .filter((a) => !a.ok)
        .map((a) => `${a.endMs - a.startMs} ms: ${a.error ?? ''}`);
      return { gateway, etcdctl: { ...etcdctl, errors } };
    },
  };
}

/** Figures of several writer runs merged (the longest run is the max). */
export function merge(rs: readonly WriterReport[]) {
  return {
    writes: rs.reduce((s, r) => s + r.writes, 0),
    failed: rs.reduce((s, r) => s + r.failed, 0),
    longestFailureRunS: Math.max(...rs.map((r) => r.longestFailureRunS)),
    longestFailureRunWrites: Math.max(...rs.map((r) => r.longestFailureRunWrites)),
    durationS: rs.reduce((s, r) => s + r.durationS, 0),
    phases: rs.length,
  };
}

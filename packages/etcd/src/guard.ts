/**
 * Safety beyond the seed: never start a member whose data dir is empty with
 * `--initial-cluster-state new` while the rest of the cluster runs and already knows that member
 * (or has removed it). Such a member cannot rejoin that way; the recovery is member remove/add.
 */
import { defineModule, quote, sh, TsplayError, type PathState } from '@tsplay/core';
import { commandFact, pathFact } from '@tsplay/core/module';
import { z } from 'zod';
import { curlTls, memberArg, tlsArgs, tlsReadable } from './schemas.js';
import { parseMemberListJson, type MemberStatus } from './members.js';
import { peerUrl } from './unit.js';
import { healthAndMembersCurl, parseClusterProbe } from './verify-probe.js';

export const guardArgs = z.object({
  dataDir: z.string().min(1),
  self: memberArg,
  /** The other members, probed over their client URLs. */
  peers: z.array(memberArg),
  clusterState: z.enum(['new', 'existing']).default('new'),
  ...tlsArgs,
});
export type GuardArgs = z.output<typeof guardArgs>;

export interface PeerProbe {
  ip: string;
  healthy: boolean;
  members: MemberStatus[] | undefined;
}

export interface GuardVerdict {
  safe: boolean;
  reason: string;
}

/** Starts each peer's answers in the probe's output: `PEER <ip>`. */
const PEER = '__tsplay_peer';

/**
 * Runs on the host: peers are only asked when the data dir has no member (the rare case) and this host has its
 * client certificate files (without them no peer could be asked: on a fresh host the first probe runs before
 * the certificates are written, and curl starts there cost the host's time for nothing). Each peer is asked by
 * one `curl`, `/health` and the member list over one connection (verify-probe.ts `healthAndMembersCurl`).
 */
export function peerProbeScript(a: GuardArgs): string {
  const opts = ['-s', '--connect-timeout', '2', '--max-time', '4', ...curlTls(a)];
  const lines = a.peers.map(
    (p) => `  printf '${PEER} %s\\n' ${quote(p.ip)}; ${healthAndMembersCurl(`https://${p.ip}:2379`, opts)} 2>/dev/null`,
  );
  return [
    sh`if [ -d ${`${a.dataDir}/member`} ]; then echo data; elif ! command -v curl >/dev/null 2>&1; then echo nocurl;`,
    `elif ! { ${tlsReadable(a)}; }; then echo nocert; else`,
    ...lines,
    'fi',
  ].join('\n');
}

/** One peer's answers: healthy when its `/health` says so; its member list when it gave one that parses. */
function peerOf(ip: string, answers: string): PeerProbe {
  const p = parseClusterProbe(answers);
  let members: MemberStatus[] | undefined;
  try {
    members = p?.members.body ? parseMemberListJson(p.members.body).members : undefined;
  } catch {
    members = undefined;
  }
  return { ip, healthy: p !== undefined && /"health"\s*:\s*"?true/.test(p.health.body), members };
}

export function parsePeerProbe(out: string): { dataPresent: boolean; curl: boolean; certs: boolean; peers: PeerProbe[] } {
  const parts = out.split(new RegExp(`^${PEER} (.*)\\n`, 'm'));
  const lines = (parts[0] ?? '').split('\n');
  const peers: PeerProbe[] = [];
  for (let i = 1; i < parts.length; i += 2) peers.push(peerOf(parts[i] ?? '', parts[i + 1] ?? ''));
  return { dataPresent: lines.includes('data'), curl: !lines.includes('nocurl'), certs: !lines.includes('nocert'), peers };
}

/** Pure: is it safe to start this member with the given --initial-cluster-state? */
export function judgeBootstrap(
  a: Pick<GuardArgs, 'self' | 'clusterState' | 'dataDir'>,
  dataDir: PathState,
  probe: ReturnType<typeof parsePeerProbe>,
): GuardVerdict {
  if (dataDir.exists || probe.dataPresent) return { safe: true, reason: `${a.dataDir}/member exists: etcd restarts from its data` };
  if (a.clusterState === 'existing') return { safe: true, reason: 'joining an existing cluster (--initial-cluster-state existing)' };
  const healthy = probe.peers.filter((p) => p.healthy);
  if (healthy.length === 0) {
    return {
      safe: true,
      reason: !probe.curl
        ? 'curl is missing, peers not probed: assuming a new cluster'
        : !probe.certs
          ? 'no readable client certificate files yet, peers not probed: assuming a new cluster'
          : 'no other member answers healthy: bootstrapping a new cluster',
    };
  }
  const url = peerUrl(a.self.ip);
  const me = healthy.flatMap((p) => p.members ?? []).find((m) => m.peerUrls.includes(url));
  const where = healthy.map((p) => p.ip).join(', ');
  // never started: added without a name, or (a static --initial-cluster member) named but without the client
  // URLs a member publishes when it first starts; a member that lost its data has published them
  if (me && (me.status === 'unstarted' || me.clientUrls.length === 0))
    return { safe: true, reason: `the running cluster (${where}) waits for this member to start for the first time` };
  return {
    safe: false,
    reason: me
      ? `its data dir ${a.dataDir} has no member/ while the cluster (healthy: ${where}) is running and lists ${a.self.name} (${me.id}) as started: the member lost its data, and starting it with --initial-cluster-state new would not rejoin it`
      : `its data dir ${a.dataDir} has no member/ while the cluster (healthy: ${where}) is running without ${a.self.name}: starting it with --initial-cluster-state new would not join that cluster`,
  };
}

export function recoverySteps(a: Pick<GuardArgs, 'self' | 'dataDir'>, id: string | undefined): string {
  const ctl =
    'sudo ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem';
  return [
    `to bring ${a.self.name} back, on a healthy member run:`,
    id ? `  ${ctl} member remove ${id}` : `  ${ctl} member list   # (${a.self.name} is not listed: skip the remove)`,
    `  ${ctl} member add ${a.self.name} --peer-urls=${peerUrl(a.self.ip)}   # retry if it says "unhealthy cluster"`,
    `then run this playbook for ${a.self.name} only with the unit's --initial-cluster-state existing:`,
    `  tsplay run playbooks/etcd.ts -i INVENTORY --limit ${a.self.name} -e etcdInitialClusterState=existing`,
    `(${a.dataDir} must be empty; later runs without -e rewrite the unit to 'new', which etcd ignores once its data dir exists)`,
  ].join('\n');
}

export const etcdBootstrapGuard = defineModule({
  name: 'etcd-bootstrap-guard',
  args: guardArgs,
  facts: (a) => ({
    dataDir: pathFact(`${a.dataDir}/member`, { become: true }),
    peers: commandFact(
      `etcd-peers:${a.dataDir}:${a.peers.map((p) => p.ip).join(',')}`,
      peerProbeScript(a),
      (r) => parsePeerProbe(r.stdout),
      // a member with data (every run after the first) is answered in the probe's own shell: no subshell
      { become: true, fastPath: sh`if [ -d ${`${a.dataDir}/member`} ]; then echo data; __q=1; fi` },
    ),
  }),
  plan: (f, a, ctx) => {
    const v = judgeBootstrap(a, f.dataDir, f.peers);
    if (!v.safe) {
      const me = f.peers.peers.flatMap((p) => p.members ?? []).find((m) => m.peerUrls.includes(peerUrl(a.self.ip)));
      throw new TsplayError('UNSAFE_BOOTSTRAP', `refusing to start etcd on ${a.self.name}: ${v.reason}`, {
        host: ctx.host,
        hint: recoverySteps(a, me?.id),
      });
    }
    return { changed: false, summary: v.reason, data: v };
  },
  resultFromPlan: (p) => p.data as GuardVerdict | undefined,
});

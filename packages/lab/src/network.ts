import { existsSync, readdirSync } from 'node:fs';
import { LAB_PREFIX, type LabHost } from './paths.js';
import { $, $ok, step } from './run.js';

export const LAB_NETNS = 'tsplay-lab';
/** Root-namespace end of the veth onto br0. */
export const ROOT_VETH = 'tsplay0';
export const ROOT_ADDRESS = `10.240.0.254/${LAB_PREFIX}`;
/** The bridge's address in tsplay-lab (the file server's). */
export const BRIDGE_ADDRESS = `10.240.0.1/${LAB_PREFIX}`;
export const GUARD = ['unreachable', '10.240.0.0/16', 'metric', '4000'] as const;

/**
 * The guard: without the lab, 10.240.0.0/16 is unreachable from the root namespace (fails at once with
 * EHOSTUNREACH instead of leaving through the default gateway). Idempotent; never removed.
 */
export async function installGuard(): Promise<void> {
  await step('install the guard route', () => $`ip route replace ${GUARD}`);
}

export async function guardInstalled(): Promise<boolean> {
  const r = await $ok`ip route show table main exact 10.240.0.0/16`;
  return /unreachable 10\.240\.0\.0\/16 .*metric 4000/.test(r.stdout);
}

/** True when the root namespace has its veth onto the lab bridge (no process spawned). */
export function labLinkUp(): boolean {
  return existsSync(`/sys/class/net/${ROOT_VETH}`);
}

/** Namespace tsplay-lab with br0 (10.240.0.1/21, 169.254.169.254) and the root namespace's veth 10.240.0.254/21. */
export async function createLabNetwork(): Promise<void> {
  await step('create the lab network', async () => {
    await $`ip netns add ${LAB_NETNS}`;
    const n = ['-n', LAB_NETNS];
    await $`ip ${n} link set lo up`;
    await $`ip ${n} link add br0 type bridge`;
    await $`ip ${n} addr add ${BRIDGE_ADDRESS} dev br0`;
    await $`ip ${n} addr add 169.254.169.254/32 dev br0`;
    await $`ip ${n} link set br0 up`;
    await $`ip link add ${ROOT_VETH} type veth peer name ${`${ROOT_VETH}p`} netns ${LAB_NETNS}`;
    await $`ip ${n} link set ${`${ROOT_VETH}p`} master br0 up`;
    await $`ip addr add ${ROOT_ADDRESS} dev ${ROOT_VETH}`;
    await $`ip link set ${ROOT_VETH} up`;
  });
}

/** The veth port of host h on br0 (inside tsplay-lab). */
export const hostPort = (h: LabHost): string => `tl-h${h.index}`;

/**
 * `ip -batch` scripts that give each host namespace tsplay-hN an eth0 (labAddress(N)/LAB_PREFIX) on br0 and a route
 * to the metadata server only: `root` runs in the root namespace (namespaces, veth pairs), `bridge` in
 * tsplay-lab (ports onto br0), `inside(h)` in h's namespace. Pure.
 */
export function hostNetworkBatches(hosts: readonly LabHost[]): { root: string; bridge: string; inside: (h: LabHost) => string } {
  const lines = (xs: string[]): string => `${xs.join('\n')}\n`;
  return {
    root: lines(
      hosts.flatMap((h) => [
        `netns add ${h.netns}`,
        `link add ${hostPort(h)} netns ${LAB_NETNS} type veth peer name eth0 netns ${h.netns}`,
      ]),
    ),
    bridge: lines(hosts.map((h) => `link set ${hostPort(h)} master br0 up`)),
    inside: (h) =>
      lines([
        'link set lo up',
        `addr add ${h.address}/${LAB_PREFIX} dev eth0`,
        'link set eth0 up',
        'route add 169.254.169.254 via 10.240.0.1',
      ]),
  };
}

/**
 * One bash script that runs `inside(h)` in each host's namespace (`ip -n NETNS -batch -` with a quoted
 * here-document per host) and stops at the first failure. Names and addresses come from labHost. Pure.
 */
export function insideScript(hosts: readonly LabHost[], inside: (h: LabHost) => string): string {
  return hosts.map((h) => `ip -n ${h.netns} -batch - <<'TSPLAY_LAB_EOF'\n${inside(h)}TSPLAY_LAB_EOF\n`).join('');
}

/**
 * The networks of `hosts` (see hostNetworkBatches): 3 processes and one `ip` per host. The hosts' insides
 * are configured by one bash (insideScript): a process started from node per host cost ~0.5 s on a loaded
 * 2-core machine (4 minutes at 500 hosts), an `ip` started by bash ~20 ms.
 */
export async function createHostNetworks(hosts: readonly LabHost[]): Promise<void> {
  if (hosts.length === 0) return;
  const b = hostNetworkBatches(hosts);
  await step(`create the host namespaces and veths (${hosts.length} hosts)`, () => $({ input: b.root })`ip -batch -`);
  await step('attach the hosts to br0', () => $({ input: b.bridge })`ip -n ${LAB_NETNS} -batch -`);
  await step(
    `configure the network inside each host (${hosts.length} hosts)`,
    () => $({ input: insideScript(hosts, b.inside) })`bash -euo pipefail -s`,
  );
}

/** The lab's namespaces that exist now (tsplay-lab, tsplay-hN). */
export function labNamespaces(): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((n) => n === LAB_NETNS || /^tsplay-h\d+$/.test(n));
}

/** Delete every lab namespace (their veths go with them) and the root veth. */
export async function deleteLabNetwork(): Promise<void> {
  // the root veth first: deleting a namespace frees its devices asynchronously
  if (labLinkUp()) await step(`delete ${ROOT_VETH}`, () => $`ip link del ${ROOT_VETH}`);
  const spaces = labNamespaces();
  if (spaces.length > 0)
    await step(
      `delete the lab namespaces (${spaces.length})`,
      () => $({ input: `${spaces.map((ns) => `netns del ${ns}`).join('\n')}\n` })`ip -batch -`,
    );
}

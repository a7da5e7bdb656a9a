import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ETCD_VERSION = '3.4.23';
export const ETCD_TARBALL = `etcd-v${ETCD_VERSION}-linux-amd64.tar.gz`;
export const ETCD_URL_BASE = 'https://10.240.0.1:8443/etcd-io/etcd/releases/download';
export const ETCD_URL_PATH = `/etcd-io/etcd/releases/download/v${ETCD_VERSION}`;
/** The next minor release the lab serves beside ETCD_VERSION (Debian trixie's etcd), for upgrades. */
export const ETCD_NEXT_VERSION = '3.5.16';

/** `etcd-v<version>-linux-amd64.tar.gz` */
export const etcdTarballName = (version: string): string => `etcd-v${version}-linux-amd64.tar.gz`;
/** The upstream release path the file server serves a version under. */
export const etcdUrlPath = (version: string): string => `/etcd-io/etcd/releases/download/v${version}`;

/** One etcd release the lab repacks from a Debian suite's etcd-server/etcd-client and serves. */
export interface EtcdRelease {
  version: string;
  /** The Debian suite its packages come from (`bookworm`: the machine's own apt; others via a temporary sources list). */
  suite: string;
  tarball: string;
  /** The `SHA256SUMS` file served beside the tarball. */
  sha256: string;
}

/** Where every lab path lives. Runtime state is removed by `labDown`; the cache is kept. */
export interface LabPaths {
  /** Runtime state (`$TSPLAY_LAB_DIR`, default `<repo root>/.lab`). */
  stateDir: string;
  /** Long-lived cache (`$TSPLAY_CACHE_DIR/lab`, default `~/.cache/tsplay/lab`): rootfs, etcd tarball. */
  cacheDir: string;
  rootfs: string;
  inventoryFile: string;
  privateKey: string;
  knownHosts: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
  tarball: string;
  /** The `SHA256SUMS` file served beside the tarball. */
  sha256: string;
  /** Every release the lab serves: ETCD_VERSION (= tarball, sha256) and ETCD_NEXT_VERSION. */
  releases: EtcdRelease[];
  stateFile: string;
}

/** Walk up from `from` to the directory holding pnpm-workspace.yaml. */
export function findRepoRoot(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function labPaths(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LabPaths {
  // the repo around cwd; else the repo this package lives in (so `tsplay lab status` works from anywhere)
  const root = findRepoRoot(cwd) ?? findRepoRoot(dirname(fileURLToPath(import.meta.url))) ?? cwd;
  const stateDir = resolve(env['TSPLAY_LAB_DIR'] || join(root, '.lab'));
  const cacheRoot = env['TSPLAY_CACHE_DIR'] || join(env['HOME'] || homedir(), '.cache', 'tsplay');
  const cacheDir = resolve(cacheRoot, 'lab');
  return {
    stateDir,
    cacheDir,
    rootfs: join(cacheDir, 'rootfs'),
    inventoryFile: join(stateDir, 'inventory', 'hosts.yaml'),
    privateKey: join(stateDir, 'id_ed25519'),
    knownHosts: join(stateDir, 'known_hosts'),
    caCert: join(stateDir, 'pki', 'ca.pem'),
    caKey: join(stateDir, 'pki', 'ca-key.pem'),
    cert: join(stateDir, 'pki', 'kubernetes.pem'),
    key: join(stateDir, 'pki', 'kubernetes-key.pem'),
    tarball: join(cacheDir, 'etcd', ETCD_TARBALL),
    sha256: join(cacheDir, 'etcd', 'SHA256SUMS'),
    releases: [
      {
        version: ETCD_VERSION,
        suite: 'bookworm',
        tarball: join(cacheDir, 'etcd', ETCD_TARBALL),
        sha256: join(cacheDir, 'etcd', 'SHA256SUMS'),
      },
      {
        version: ETCD_NEXT_VERSION,
        suite: 'trixie',
        tarball: join(cacheDir, 'etcd', `v${ETCD_NEXT_VERSION}`, etcdTarballName(ETCD_NEXT_VERSION)),
        sha256: join(cacheDir, 'etcd', `v${ETCD_NEXT_VERSION}`, 'SHA256SUMS'),
      },
    ],
    stateFile: join(stateDir, 'lab.json'),
  };
}

/** Host i of the lab: name, address, netns and cgroup names. */
export interface LabHost {
  index: number;
  name: string;
  address: string;
  netns: string;
  cgroup: string;
}

/** Hosts per /24 block of the lab network: x.10-x.249 (block 0 keeps .1, the bridge, and .254, the root namespace's veth). */
export const HOSTS_PER_BLOCK = 240;
/** The lab network 10.240.0.0/21 (blocks 10.240.0-7, room for 1,920 hosts), inside the guard route's 10.240.0.0/16. */
export const LAB_PREFIX = 21;
/**
 * The most hosts `lab up` takes. The bound is the bridge: br0 holds at most 1,023 ports (the kernel's
 * BR_MAX_PORTS, 1024, less the unused port 0) and one is the root namespace's veth; 1,000 were measured
 * (bench/README.md, "Scale"). The kernel limits that grow with the hosts are raised by ensureKernelLimits.
 */
export const MAX_HOSTS = 1000;

/** Host i's address: 10.240.0.10.. for the first 240 (controller-0..2 at .10-.12, as in KTHW), then 10.240.1.10.., ... */
export function labAddress(index: number): string {
  return `10.240.${Math.floor(index / HOSTS_PER_BLOCK)}.${10 + (index % HOSTS_PER_BLOCK)}`;
}

export function labHost(index: number): LabHost {
  return {
    index,
    name: `controller-${index}`,
    address: labAddress(index),
    netns: `tsplay-h${index}`,
    cgroup: `tsplay-lab/h${index}`,
  };
}

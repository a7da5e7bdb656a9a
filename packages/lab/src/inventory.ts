import { ETCD_URL_BASE, ETCD_VERSION, type LabHost } from './paths.js';

export interface InventoryInput {
  hosts: readonly LabHost[];
  privateKey: string;
  knownHosts: string;
  tarballSha256: string;
  /** sha256 hex of every served release by version: the inventory's `etcdChecksums` (used by upgrades). */
  tarballs?: Record<string, string>;
  caCert: string;
  cert: string;
  key: string;
}

/** A YAML scalar: JSON strings are valid double-quoted YAML. */
const q = (s: string): string => JSON.stringify(s);

/**
 * Above this many hosts the lab's hosts share the machine's cores with hundreds of others and a login can miss the
 * 10 s handshake bound: the inventory gives such a lab `connectionAttempts: 3` (OpenSSH's ConnectionAttempts), the
 * retry of the dial a large estate wants (bench/README.md, "Scale").
 */
export const SCALE_RETRY_ABOVE = 200;
export const SCALE_CONNECTION_ATTEMPTS = 3;

/** The lab inventory (tsplay's hosts.yaml format): group `controllers`, strict host keys, the etcd vars. */
export function renderInventory(i: InventoryInput): string {
  const lines = [
    '# Written by `tsplay lab up`; removed by `tsplay lab down`. Do not edit.',
    'defaults:',
    '  user: admin',
    '  port: 22',
    `  privateKeyPath: ${q(i.privateKey)}`,
    `  knownHosts: ${q(i.knownHosts)}`,
    '  hostKeyChecking: strict',
    '  connection: ssh',
    ...(i.hosts.length > SCALE_RETRY_ABOVE ? [`  connectionAttempts: ${SCALE_CONNECTION_ATTEMPTS}`] : []),
    'vars:',
    `  etcdVersion: ${q(ETCD_VERSION)}`,
    `  etcdReleaseUrlBase: ${q(ETCD_URL_BASE)}`,
    `  etcdChecksum: ${q(`sha256:${i.tarballSha256}`)}`,
    `  etcdCaFile: ${q(i.caCert)}`,
    `  etcdCertFile: ${q(i.cert)}`,
    `  etcdKeyFile: ${q(i.key)}`,
    ...(i.tarballs && Object.keys(i.tarballs).length > 0
      ? ['  etcdChecksums:', ...Object.entries(i.tarballs).map(([v, hex]) => `    ${q(v)}: ${q(`sha256:${hex}`)}`)]
      : []),
    'hosts:',
    ...i.hosts.map((h) => `  ${h.name}: { address: ${h.address}, vars: { internalIp: ${q(h.address)} } }`),
    'groups:',
    `  controllers: { hosts: [${i.hosts.map((h) => h.name).join(', ')}], vars: {} }`,
    '',
  ];
  return lines.join('\n');
}

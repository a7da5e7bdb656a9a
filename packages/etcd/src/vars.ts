import { z } from 'zod';

const ipv4 = z
  .string()
  .regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'internalIp must be an IPv4 address like 10.240.0.10');

/** The etcd role's vars (inventory vars < group vars < host vars < -e), validated per host. */
export const EtcdVars = z.object({
  etcdVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'etcdVersion is a release number like 3.4.15 (no leading v)')
    .default('3.4.15'),
  /** Base of the release downloads: `<base>/v<version>/etcd-v<version>-linux-amd64.tar.gz`. */
  etcdReleaseUrlBase: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'etcdReleaseUrlBase must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://github.com/etcd-io/etcd/releases/download'),
  /**
   * The tarball's checksum: a pinned `sha256:<hex>`, or `sha256:<url of a SHA256SUMS file>`.
   * Default: the release's own SHA256SUMS, `sha256:<base>/v<version>/SHA256SUMS`, fetched over HTTPS.
   */
  etcdChecksum: z.string().min(1).optional(),
  etcdClusterToken: z.string().min(1).default('etcd-cluster-0'),
  /** Workstation paths (relative ones resolve against the playbook's directory). */
  etcdCaFile: z.string().min(1).default('ca.pem'),
  etcdCertFile: z.string().min(1).default('kubernetes.pem'),
  etcdKeyFile: z.string().min(1).default('kubernetes-key.pem'),
  etcdDataDir: z
    .string()
    .regex(/^\/\S+$/, 'etcdDataDir is an absolute path on the host')
    .default('/var/lib/etcd'),
  /** Where the tarball is kept on the host (the seed downloads into the working directory). */
  etcdDownloadDir: z
    .string()
    .regex(/^\/\S+$/, 'etcdDownloadDir is an absolute path on the host')
    .default('/usr/local/src'),
  /** The inventory group whose hosts are the members. */
  etcdGroup: z.string().min(1).default('controllers'),
  /** `new` bootstraps the cluster (the seed); `existing` joins a running one after `etcdctl member add`. */
  etcdInitialClusterState: z.enum(['new', 'existing']).default('new'),
  /** The member name (ETCD_NAME); default: the inventory host name, which is `hostname -s` on KTHW. */
  etcdName: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  /** For etcd-remove-member.ts: the members (inventory host names) to remove, as a list or `a,b`. */
  etcdRemove: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter((x) => x !== ''))
    .default([]),
  /** The host's internal IP (INTERNAL_IP); when absent, read from the GCE metadata server. */
  internalIp: ipv4.optional(),
});

export type EtcdVars = z.output<typeof EtcdVars>;
export type EtcdVarsInput = z.input<typeof EtcdVars>;

export function tarballName(v: Pick<EtcdVars, 'etcdVersion'>): string {
  return `etcd-v${v.etcdVersion}-linux-amd64.tar.gz`;
}

export function tarballUrl(v: Pick<EtcdVars, 'etcdVersion' | 'etcdReleaseUrlBase'>): string {
  return `${v.etcdReleaseUrlBase}/v${v.etcdVersion}/${tarballName(v)}`;
}

export function checksumOf(v: Pick<EtcdVars, 'etcdVersion' | 'etcdReleaseUrlBase' | 'etcdChecksum'>): string {
  return v.etcdChecksum ?? `sha256:${v.etcdReleaseUrlBase}/v${v.etcdVersion}/SHA256SUMS`;
}

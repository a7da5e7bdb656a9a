import { z } from 'zod';
import { byteCount, checksum, hostPath, ipv4, oneLine, plainUrl, retention, word } from './schemas.js';

const MIB = 1024 * 1024;

/** A workstation file whose name (not its directory) becomes `/etc/etcd/<name>` in etcd.service. */
const certFile = (what: string) =>
  oneLine(what).refine((p) => /^[A-Za-z0-9._+-]+$/.test(p.slice(p.lastIndexOf('/') + 1)), {
    message: `${what}'s file name goes into etcd.service as /etc/etcd/<name>: letters, digits and . _ + - only`,
  });

/**
 * The etcd role's vars (inventory vars < group vars < host vars < -e), validated per host. Every value that
 * reaches etcd.service, a shell or a config line has a schema that keeps it one word on one line (schemas.ts).
 */
export const EtcdVars = z.object({
  etcdVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'etcdVersion is a release number like 3.4.15 (no leading v)')
    .default('3.4.15'),
  /** Base of the release downloads: `<base>/v<version>/etcd-v<version>-linux-amd64.tar.gz`. */
  etcdReleaseUrlBase: plainUrl('etcdReleaseUrlBase')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://github.com/etcd-io/etcd/releases/download'),
  /**
   * The tarball's checksum: a pinned `sha256:<hex>`, or `sha256:<url of a SHA256SUMS file>`.
   * Default: the release's own SHA256SUMS, `sha256:<base>/v<version>/SHA256SUMS`, fetched over HTTPS.
   */
  etcdChecksum: checksum('etcdChecksum').optional(),
  /**
   * `{ "3.4.23": "sha256:<hex>", "3.5.16": "sha256:<hex>" }`: a checksum per release, so one inventory serves
   * the release a cluster runs and the one it goes to. The role's download prefers `etcdChecksums[etcdVersion]`
   * over `etcdChecksum` (checksumOf): a join after an upgrade needs no checksum by hand.
   */
  etcdChecksums: z
    .record(z.string().regex(/^\d+\.\d+\.\d+$/, 'etcdChecksums is keyed by release number like 3.5.16'), checksum('etcdChecksums'))
    .default({}),
  etcdClusterToken: word('etcdClusterToken').default('etcd-cluster-0'),
  /** Workstation paths (relative ones resolve against the playbook's directory). */
  etcdCaFile: certFile('etcdCaFile').default('ca.pem'),
  etcdCertFile: certFile('etcdCertFile').default('kubernetes.pem'),
  etcdKeyFile: certFile('etcdKeyFile').default('kubernetes-key.pem'),
  etcdDataDir: hostPath('etcdDataDir').default('/var/lib/etcd'),
  /** Where the tarball is kept on the host (the seed downloads into the working directory). */
  etcdDownloadDir: hostPath('etcdDownloadDir').default('/usr/local/src'),
  /** The inventory group whose hosts are the members. */
  etcdGroup: word('etcdGroup').default('controllers'),
  /** `new` bootstraps the cluster (the seed); `existing` joins a running one after `etcdctl member add`. */
  etcdInitialClusterState: z.enum(['new', 'existing']).default('new'),
  /** The member name (ETCD_NAME); default: the inventory host name, which is `hostname -s` on KTHW. */
  etcdName: word('etcdName').optional(),
  /** For etcd-remove-member.ts: the members (inventory host names) to remove, as a list or `a,b`. */
  etcdRemove: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter((x) => x !== ''))
    .pipe(z.array(word('etcdRemove')))
    .default([]),
  /**
   * Maintenance (issue 28): each one adds its flag to etcd.service; unset, the unit is the seed's. `--auto-compaction-mode`:
   * `periodic` (etcd's default: the retention is a duration, a bare number is hours) or `revision` (keep that many revisions).
   */
  etcdAutoCompactionMode: z.enum(['periodic', 'revision']).optional(),
  /** `--auto-compaction-retention`: `1` (hour), `30m`, `1h30m`; in revision mode a number of revisions. `0` turns it off. */
  etcdAutoCompactionRetention: retention('etcdAutoCompactionRetention').optional(),
  /** `--quota-backend-bytes`: the backend size that raises the NOSPACE alarm (etcd's default 2 GiB; 8 GiB is its suggested maximum). */
  etcdQuotaBackendBytes: byteCount('etcdQuotaBackendBytes', 16 * MIB, 8 * 1024 * MIB).optional(),
  /** The host's internal IP (INTERNAL_IP); when absent, read from the GCE metadata server. */
  internalIp: ipv4('internalIp').optional(),
});

export type EtcdVars = z.output<typeof EtcdVars>;
export type EtcdVarsInput = z.input<typeof EtcdVars>;

export function tarballName(v: Pick<EtcdVars, 'etcdVersion'>): string {
  return `etcd-v${v.etcdVersion}-linux-amd64.tar.gz`;
}

export function tarballUrl(v: Pick<EtcdVars, 'etcdVersion' | 'etcdReleaseUrlBase'>): string {
  return `${v.etcdReleaseUrlBase}/v${v.etcdVersion}/${tarballName(v)}`;
}

/** The release's checksum: `etcdChecksums[etcdVersion]`, else `etcdChecksum`, else the release's own SHA256SUMS. */
export function checksumOf(
  v: Pick<EtcdVars, 'etcdVersion' | 'etcdReleaseUrlBase' | 'etcdChecksum'> & { etcdChecksums?: Record<string, string> },
): string {
  return v.etcdChecksums?.[v.etcdVersion] ?? v.etcdChecksum ?? `sha256:${v.etcdReleaseUrlBase}/v${v.etcdVersion}/SHA256SUMS`;
}

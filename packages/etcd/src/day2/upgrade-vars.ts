/**
 * The vars of etcd-upgrade.ts: the role's EtcdVars plus `etcdChecksums` (a checksum per release, so one
 * inventory serves the release a cluster runs and the one it goes to) and the per-member budget. The
 * tarball checksum the role's download uses is the target release's entry of `etcdChecksums` when there
 * is one, else `etcdChecksum` (else the release's own SHA256SUMS, see checksumOf).
 */
import { z } from 'zod';
import { EtcdVars } from '../vars.js';

export const EtcdUpgradeVars = EtcdVars.extend({
  /** `{ "3.4.23": "sha256:<hex>", "3.5.16": "sha256:<hex>" }`: the checksum of each release by version. */
  etcdChecksums: z.record(z.string(), z.string().min(1)).default({}),
  /** How long a restarted member may take to be back (healthy, on the target, caught up) before it is rolled back. */
  etcdUpgradeBudgetS: z.coerce.number().int().positive().max(3600).default(120),
}).transform((v) => ({ ...v, etcdChecksum: v.etcdChecksums[v.etcdVersion] ?? v.etcdChecksum }));

export type EtcdUpgradeVars = z.output<typeof EtcdUpgradeVars>;

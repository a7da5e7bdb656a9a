/**
 * The vars of etcd-upgrade.ts: the role's EtcdVars (with `etcdChecksums`, a checksum per release, which the
 * role's download reads for the target release, see checksumOf) plus the per-member budget.
 */
import { z } from 'zod';
import { EtcdVars } from '../vars.js';

export const EtcdUpgradeVars = EtcdVars.extend({
  /** How long a restarted member may take to be back (healthy, on the target, caught up) before it is rolled back. */
  etcdUpgradeBudgetS: z.coerce.number().int().positive().max(3600).default(120),
});

export type EtcdUpgradeVars = z.output<typeof EtcdUpgradeVars>;

/** The vars of etcd-defrag.ts and etcd-recover-space.ts: the role's EtcdVars (vars.ts is the role's), extended. */
import { z } from 'zod';
import { byteCount } from '../schemas.js';
import { EtcdVars } from '../vars.js';

const MIB = 1024 * 1024;

export const EtcdDefragVars = EtcdVars.extend({
  /** Defragment a member when at least this share of its db file is reclaimable (dbSize - dbSizeInUse); 0.2 = 20 %. */
  etcdDefragThreshold: z.coerce
    .number()
    .min(0, 'etcdDefragThreshold is a share between 0 and 1')
    .max(1, 'etcdDefragThreshold is a share between 0 and 1')
    .default(0.2),
  /** ... and at least this many bytes are reclaimable (a small db is not worth blocking a member for). */
  etcdDefragMinBytes: byteCount('etcdDefragMinBytes', 0, 64 * 1024 * MIB).default(16 * MIB),
  /** etcdctl's --command-timeout for one member's defrag (and the compaction of the recovery), in seconds. */
  etcdDefragTimeoutS: z.coerce.number().int().positive().max(3600).default(300),
});

export type EtcdDefragVars = z.output<typeof EtcdDefragVars>;

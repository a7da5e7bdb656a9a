/** The vars of playbooks/etcd-replace-member.ts: the role's EtcdVars plus the member to replace (vars.ts is the role's). */
import { z } from 'zod';
import { word } from '../schemas.js';
import { EtcdVars } from '../vars.js';

export const EtcdReplaceVars = EtcdVars.extend({
  /** The inventory host (or its etcdName) whose member is replaced: removed, its data dir emptied, re-added as a learner, promoted. */
  etcdReplace: word('etcdReplace'),
  /** Replace the member even when it is a started voter that still has its data (its data dir is archived, never deleted). */
  etcdReplaceForce: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .default(false),
});
export type EtcdReplaceVars = z.output<typeof EtcdReplaceVars>;

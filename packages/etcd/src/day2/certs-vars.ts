import { z } from 'zod';
import { EtcdVars } from '../vars.js';

/** Thresholds shared by the certificate report and the CA rotation (days left, inclusive). */
export const certThresholds = {
  /** Report a certificate with this many days or fewer left as WARN. */
  etcdCertWarnDays: z.number().int().nonnegative().default(60),
  /** Renew a leaf with this many days or fewer left; refuse a CA that close to its end (rotate it instead). */
  etcdCertMinDays: z.number().int().nonnegative().default(30),
  /** The CA's key on the workstation (the signer of renewed leaves); default `ca-key.pem` beside `etcdCaFile` (as in pki.ts). */
  pkiCaKeyFile: z.string().min(1).optional(),
  /** Validity of a newly issued leaf, in days (as in pki.ts). */
  pkiCertDays: z.number().int().positive().default(365),
};

/** Vars of playbooks/etcd-certs.ts: the role's, the thresholds and `etcdCertRenew`. */
export const EtcdCertsVars = EtcdVars.extend({
  ...certThresholds,
  /** Renew the leaf now, whatever its days left (kubeadm `certs renew`); without it only at or below the min. */
  etcdCertRenew: z.boolean().default(false),
}).refine((v) => v.etcdCertWarnDays >= v.etcdCertMinDays, {
  message: 'etcdCertWarnDays must be at least etcdCertMinDays',
  path: ['etcdCertWarnDays'],
});

export type EtcdCertsVars = z.output<typeof EtcdCertsVars>;

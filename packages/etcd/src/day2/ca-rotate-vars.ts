import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { EtcdVars } from '../vars.js';
import { CA_PHASES } from './ca-rotate-judge.js';
import { certThresholds } from './certs-vars.js';

const file = z
  .string()
  .min(1)
  .refine((p) => !p.includes('\n'), 'a workstation path on one line');

/**
 * Vars of playbooks/etcd-rotate-ca.ts. The current files are the role's (`etcdCaFile`, `etcdCertFile`,
 * `etcdKeyFile`); the new CA and the new leaf keep their file names (so /etc/etcd/<name> and the unit stay the
 * same) in another directory: after `finish`, point `etcdCaFile` and `etcdCertFile` at them.
 */
export const EtcdRotateCaVars = EtcdVars.extend({
  ...certThresholds,
  /** Which phase this run does: `trust`, then `leaf`, then `finish` (each idempotent; see the README). */
  etcdCaPhase: z.enum(CA_PHASES),
  /** The new CA certificate on the workstation (e.g. made by pki.ts in another directory). */
  etcdNewCaFile: file,
  /** Its key (signs the new leaf in `trust`); default `ca-key.pem` beside it. */
  etcdNewCaKeyFile: file.optional(),
  /** The new leaf (issued in `trust`, same subject, SANs and key as the current one); default beside the new CA. */
  etcdNewCertFile: file.optional(),
})
  .refine((v) => basename(v.etcdNewCaFile) === basename(v.etcdCaFile), {
    message: 'etcdNewCaFile keeps the file name of etcdCaFile (another directory): /etc/etcd/<name> and etcd.service stay the same',
    path: ['etcdNewCaFile'],
  })
  .refine((v) => v.etcdNewCertFile === undefined || basename(v.etcdNewCertFile) === basename(v.etcdCertFile), {
    message: 'etcdNewCertFile keeps the file name of etcdCertFile (another directory)',
    path: ['etcdNewCertFile'],
  });

export type EtcdRotateCaVars = z.output<typeof EtcdRotateCaVars>;

/** The new CA's key and the new leaf, with their defaults. */
export function rotationFiles(v: EtcdRotateCaVars): { newCaKey: string; newCert: string } {
  return {
    newCaKey: v.etcdNewCaKeyFile ?? join(dirname(v.etcdNewCaFile), 'ca-key.pem'),
    newCert: v.etcdNewCertFile ?? join(dirname(v.etcdNewCaFile), basename(v.etcdCertFile)),
  };
}

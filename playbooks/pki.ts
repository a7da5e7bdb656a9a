import { dirname, join } from 'node:path';
import { z } from 'zod';
import { definePlaybook, task, type TaskContext } from '@tsplay/core';
import { kubernetesSans, pkiCa, pkiCert } from '@tsplay/pki';

/**
 * KTHW chapter 04 for etcd, on the workstation: the CA (`ca.pem`, `ca-key.pem`) and the `kubernetes`
 * certificate (`kubernetes.pem`, `kubernetes-key.pem`) that playbooks/etcd.ts copies to the members, with
 * SANs from the inventory (every member's internal IP and names, 127.0.0.1, 10.32.0.1, the kubernetes
 * service names). Same vars as the etcd playbook, so one inventory (or one `-e`) drives both. Kept while
 * valid with the same SANs; issued anew with fewer than `pkiRenewDays` left (see packages/pki/README.md).
 */
const file = z.string().min(1);
const PkiVars = z.object({
  etcdCaFile: file.default('ca.pem'),
  etcdCertFile: file.default('kubernetes.pem'),
  etcdKeyFile: file.default('kubernetes-key.pem'),
  /** The CA's key; default `ca-key.pem` beside `etcdCaFile`. */
  pkiCaKeyFile: file.optional(),
  /** The group whose hosts the certificate names (the etcd members). */
  etcdGroup: z.string().default('controllers'),
  pkiRenewDays: z.number().int().nonnegative().default(30),
  pkiCaDays: z.number().int().positive().default(3650),
  pkiCertDays: z.number().int().positive().default(365),
});
type Ctx = TaskContext<z.output<typeof PkiVars>>;

const caKey = (c: Ctx) => c.vars.pkiCaKeyFile ?? join(dirname(c.vars.etcdCaFile), 'ca-key.pem');
const onWorkstation = { runOnce: true, delegateTo: 'localhost' } as const;

const ca = task(pkiCa, (c: Ctx) => ({ cert: c.vars.etcdCaFile, key: caKey(c), days: c.vars.pkiCaDays, renewDays: c.vars.pkiRenewDays }), {
  name: 'the CA',
  ...onWorkstation,
});
const kubernetes = task(
  pkiCert,
  (c: Ctx) => ({
    cert: c.vars.etcdCertFile,
    key: c.vars.etcdKeyFile,
    ca: c.vars.etcdCaFile,
    caKey: caKey(c),
    ...kubernetesSans(c.hosts(c.vars.etcdGroup)),
    days: c.vars.pkiCertDays,
    renewDays: c.vars.pkiRenewDays,
  }),
  { name: 'the kubernetes certificate', ...onWorkstation },
);

export default definePlaybook({
  name: 'pki',
  vars: PkiVars,
  plays: [{ name: 'certificates for etcd (on the workstation)', hosts: 'controllers', tasks: [ca, kubernetes] }],
});

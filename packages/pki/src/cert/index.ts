import { z } from 'zod';
import { defineModule } from '@tsplay/modules/kit';
import { pkiError } from '../errors.js';
import { applyModes, keyFor, writeIssued } from '../apply-common.js';
import { dnSchema, lifetimeShape, pkiPath } from '../args.js';
import { certFileFact, clockFact, keyFileFact } from '../facts.js';
import { importKeyPair, issueLeaf } from '../issue.js';
import { workstationPath } from '../paths.js';
import { planCert } from './plan.js';

const ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'an IPv4 address like 10.240.0.10');
const dnsName = z
  .string()
  .regex(
    /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
    'a DNS name like kubernetes.default',
  );

export const pkiCertArgs = z
  .strictObject({
    cert: pkiPath('The certificate (PEM) on the workstation; relative paths resolve against the playbook'),
    key: pkiPath('Its private key (PEM, 0600)'),
    ca: pkiPath('The CA certificate that signs it'),
    caKey: pkiPath("The CA's private key"),
    subject: dnSchema
      .default('CN=kubernetes, OU=Kubernetes The Hard Way, O=Kubernetes, L=Portland, ST=Oregon, C=US')
      .describe('The distinguished name'),
    ips: z.array(ipv4).default([]).describe('IP addresses (subjectAltName IP)'),
    dnsNames: z.array(dnsName).default([]).describe('Host names (subjectAltName DNS)'),
    usages: z
      .array(z.enum(['serverAuth', 'clientAuth']))
      .min(1)
      .default(['serverAuth', 'clientAuth'])
      .describe('Extended key usages (etcd uses one certificate as server and as client of its peers)'),
    ...lifetimeShape,
    days: lifetimeShape.days.default(365),
  })
  .refine((a) => a.ips.length + a.dnsNames.length > 0, { message: 'give at least one SAN (ips or dnsNames)', path: ['ips'] })
  .describe('A certificate signed by a CA, on the workstation (ECDSA P-256): kept while valid with the same SANs, issued anew otherwise');

export type PkiCertArgs = z.input<typeof pkiCertArgs>;

const paths = (a: { cert: string; key: string; ca: string; caKey: string }, baseDir: string | undefined) => ({
  cert: workstationPath(a.cert, baseDir),
  key: workstationPath(a.key, baseDir),
  ca: workstationPath(a.ca, baseDir),
  caKey: workstationPath(a.caKey, baseDir),
});

/** `pki_cert`: run it on the workstation (`delegateTo: 'localhost'`). */
export const pkiCert = defineModule({
  name: 'pki_cert',
  args: pkiCertArgs,
  facts: (a, ctx) => {
    const p = paths(a, ctx.baseDir);
    return { cert: certFileFact(p.cert), key: keyFileFact(p.key), ca: certFileFact(p.ca), caKey: keyFileFact(p.caKey), now: clockFact() };
  },
  plan: (f, a, ctx) => planCert(f, { ...a, ...paths(a, ctx.baseDir) }),
  apply: async (ctx, a, plan) => {
    const data = plan.data ?? { issue: false, newKey: false, chmod: [] };
    if (!data.issue) {
      await applyModes(ctx, data);
      return {};
    }
    const p = paths(a, ctx.baseDir);
    const { ca, caKey } = ctx.facts;
    if (ca.kind !== 'cert' || caKey.kind !== 'key') throw pkiError('PKI_CA_INVALID', `the CA ${p.ca} is not readable`, { field: 'ca' });
    const keyPair = await keyFor(data, ctx.facts.key);
    const certPem = await issueLeaf({
      ...a,
      now: ctx.facts.now,
      key: keyPair,
      caCertPem: ca.cert.pem,
      caKey: await importKeyPair(caKey.key.pem.reveal()),
    });
    await writeIssued(ctx, { cert: p.cert, key: p.key, certPem, keyPair, newKey: data.newKey });
    return {};
  },
});

import { z } from 'zod';
import { defineModule } from '@tsplay/modules/kit';
import { pkiPath } from '../args.js';
import { pkiError } from '../errors.js';
import { certFileFact, clockFact, type CertFile } from '../facts.js';
import { workstationPath } from '../paths.js';
import { daysLeft, type CertInfo } from '../x509.js';

export const pkiCertInfoArgs = z
  .strictObject({
    cert: pkiPath('A certificate (PEM) on the workstation; relative paths resolve against the playbook'),
  })
  .describe('Reads a certificate on the workstation (read-only): subject, SANs, dates, the PEM; for tasks that renew or bundle it');

export type PkiCertInfoArgs = z.input<typeof pkiCertInfoArgs>;

/** What `pki_cert_info` returns (public data only: a certificate is no secret). */
export interface PkiCertInfo {
  path: string;
  pem: string;
  subject: string;
  issuer: string;
  ips: string[];
  dnsNames: string[];
  notAfter: number;
  daysLeft: number;
  isCa: boolean;
  /** sha256 hex of the public key. */
  spki: string;
  serial: string;
}

/** Pure: the result of a parsed certificate file. */
export function certInfoOf(path: string, c: CertInfo, now: number): PkiCertInfo {
  const ips = c.sans.filter((s) => s.startsWith('IP:')).map((s) => s.slice(3));
  const dnsNames = c.sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  return {
    path,
    pem: c.pem,
    subject: c.subject,
    issuer: c.issuer,
    ips,
    dnsNames,
    notAfter: c.notAfter,
    daysLeft: daysLeft(c, now),
    isCa: c.isCa,
    spki: c.spki,
    serial: c.serial,
  };
}

const why = (f: CertFile): string =>
  f.kind === 'absent' ? 'missing' : f.kind === 'invalid' ? f.reason : 'written by an earlier task of this run';

/**
 * `pki_cert_info` (read-only; run it with `delegateTo: 'localhost'`): the certificate's subject, SANs and days
 * left. Missing or unreadable is `PKI_CERT_INVALID` naming `cert`, in check mode too; a file
 * an earlier task of this check run would write is `unknown`.
 */
export const pkiCertInfo = defineModule({
  name: 'pki_cert_info',
  args: pkiCertInfoArgs,
  facts: (a, ctx) => ({ cert: certFileFact(workstationPath(a.cert, ctx.baseDir)), now: clockFact() }),
  plan: (f, a, ctx) => {
    const path = workstationPath(a.cert, ctx.baseDir);
    if (f.cert.kind === 'pending') return { changed: false, unknown: `an earlier task would write ${path}` };
    if (f.cert.kind !== 'cert') throw pkiError('PKI_CERT_INVALID', `the certificate ${path} is ${why(f.cert)}`, { field: 'cert' });
    const info = certInfoOf(path, f.cert.cert, f.now);
    return { changed: false, summary: `${path}: ${info.subject}, ${info.daysLeft} days left`, data: info };
  },
  resultFromPlan: (p): PkiCertInfo | undefined => p.data as PkiCertInfo | undefined,
});

/**
 * `etcd-cert-report` (read-only): on a member, every certificate it holds (`/etc/etcd/*.pem`) and serves (2379,
 * 2380) with its days left, judged against the warn and min thresholds (certs-judge.ts). A CA at or below the
 * min is refused (`ETCD_CERT_EXPIRING`, in check mode too); with `verifyServed`, a member that does not serve
 * its file's leaf on both ports is `ETCD_CERT_NOT_SERVED` (the check after a roll).
 */
import { defineModule } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { hostPath, ipv4, tlsArgs } from '../schemas.js';
import { certReport, refuseExpiringCa, refuseNotServed, reportLines, reportSummary, type CertReport } from './certs-judge.js';
import { certsProbeScript, parseCertsProbe } from './certs-probe.js';

export const certReportArgs = z
  .object({
    /** This member's internal IP (where its ports answer). */
    ip: ipv4('ip'),
    dir: hostPath('dir').default('/etc/etcd'),
    warnDays: z.number().int().nonnegative().default(60),
    minDays: z.number().int().nonnegative().default(30),
    /** After a roll: fail unless both ports serve the leaf of `certFile`. */
    verifyServed: z.boolean().default(false),
    ...tlsArgs,
  })
  .refine((a) => a.warnDays >= a.minDays, { message: 'etcdCertWarnDays must be at least etcdCertMinDays', path: ['warnDays'] });

export type CertReportArgs = z.input<typeof certReportArgs>;

export const certsProbeFact = (a: { ip: string; dir: string; caFile: string; certFile: string; keyFile: string }) =>
  commandFact(`etcd-certs:${a.ip}:${a.dir}:${a.caFile}:${a.certFile}`, certsProbeScript(a), (r) => parseCertsProbe(r.stdout), {
    become: true,
  });

export const etcdCertReport = defineModule({
  name: 'etcd-cert-report',
  args: certReportArgs,
  facts: (a) => ({ probe: certsProbeFact(a) }),
  plan: (f, a, ctx) => {
    const t = { warnDays: a.warnDays, minDays: a.minDays };
    const r = certReport(f.probe, a.certFile, t);
    refuseExpiringCa(r, t, ctx.host);
    if (a.verifyServed) refuseNotServed(f.probe, a.certFile, ctx.host);
    return { changed: false, summary: reportSummary(r, t), stdout: reportLines(r, t).join('\n'), data: r };
  },
  resultFromPlan: (p): CertReport | undefined => p.data,
});

import { dirname, join } from 'node:path';
import { definePlaybook, task, type TaskContext } from '@tsplay/core';
import { copy } from '@tsplay/modules';
import { EtcdCertsVars, etcdCertReport, etcdPreflight, hostCertPaths, ipOf, memberName } from '@tsplay/etcd';
import { pkiCert, pkiCertInfo } from '@tsplay/pki';

/**
 * etcd day 2: certificates (packages/etcd/README.md, "Certificates: report and renewal"). Every member reports
 * what it holds (/etc/etcd/*.pem) and serves (2379, 2380) with days left (`-v` prints the table); a CA at or
 * below `etcdCertMinDays` is refused. With `-e etcdCertRenew=true`, or when a leaf is at or below
 * `etcdCertMinDays`, the workstation's leaf is issued anew by the same CA with the same subject, SANs and key
 * (pki_cert) and copied to the members. No restart: etcd reads its certificate and key again at every new TLS
 * handshake (only a new CA file needs the rolling restart, etcd-rotate-ca.ts), so no member stops and no
 * leadership moves. The run ends when every member serves the new leaf on both ports (a new handshake, by
 * openssl on the host) and the cluster is healthy.
 */
type Ctx = TaskContext<EtcdCertsVars>;
const onWorkstation = { runOnce: true, delegateTo: 'localhost', become: false } as const;
const thresholds = (c: Ctx) => ({ warnDays: c.vars.etcdCertWarnDays, minDays: c.vars.etcdCertMinDays });

const report = task(etcdCertReport, (c: Ctx) => ({ ip: ipOf(c.host), ...thresholds(c), ...hostCertPaths(c.vars) }), {
  name: 'etcd certificates',
});

const current = task(pkiCertInfo, (c: Ctx) => ({ cert: c.vars.etcdCertFile }), {
  name: 'the certificate on the workstation',
  ...onWorkstation,
});
const info = (c: Ctx) => c.result(current)?.data;
/** Asked for, or a member's leaf (file or served) or the workstation's is at or below the min. */
const renewDue = (c: Ctx): boolean =>
  c.vars.etcdCertRenew ||
  c.play.hosts.some((h) => c.resultOf(h, report)?.data?.level === 'renew') ||
  (info(c)?.daysLeft ?? Number.POSITIVE_INFINITY) <= c.vars.etcdCertMinDays;

const renew = task(
  pkiCert,
  (c: Ctx) => {
    const i = info(c);
    return {
      cert: c.vars.etcdCertFile,
      key: c.vars.etcdKeyFile,
      ca: c.vars.etcdCaFile,
      caKey: c.vars.pkiCaKeyFile ?? join(dirname(c.vars.etcdCaFile), 'ca-key.pem'),
      ...(i ? { subject: i.subject, ips: i.ips, dnsNames: i.dnsNames } : {}),
      days: c.vars.pkiCertDays,
      // asked for: renew whatever is left; else at or below the min, as pki.ts's renewDays
      renewDays: c.vars.etcdCertRenew ? c.vars.pkiCertDays + 1 : c.vars.etcdCertMinDays,
    };
  },
  { name: 'renew the certificate (same CA, subject, SANs and key)', ...onWorkstation, when: renewDue },
);
/** Check mode: the certificate the run would issue does not exist yet, so it cannot be copied; its restart is predicted. */
const issuing = (c: Ctx) => c.changed(renew) && c.check;

// reads the renewal's result, so it is resolved (and the workstation file read) when it runs, after the renewal
const cert = task(copy, (c: Ctx) => ({ src: c.vars.etcdCertFile, dest: hostCertPaths(c.vars).certFile, mode: '0644' }), {
  name: 'etcd cert',
  when: (c: Ctx) => !issuing(c),
});
const key = task(copy, (c: Ctx) => ({ src: c.vars.etcdKeyFile, dest: hostCertPaths(c.vars).keyFile, mode: '0600', secret: true }), {
  name: 'etcd key',
});
const served = task(etcdCertReport, (c: Ctx) => ({ ip: ipOf(c.host), ...thresholds(c), ...hostCertPaths(c.vars), verifyServed: true }), {
  name: 'every member serves its certificate',
  // check mode: only when nothing before would change (it would test the old state)
  when: (c: Ctx) => !c.check || !(issuing(c) || c.changed(cert, key)),
});
const members = (c: Ctx) => c.hosts(c.vars.etcdGroup).map((h) => ({ name: memberName(h), ip: ipOf(h) }));
const healthy = task(etcdPreflight, (c: Ctx) => ({ op: 'healthy' as const, target: members(c), ...hostCertPaths(c.vars) }), {
  name: 'etcd cluster healthy',
});

export default definePlaybook({
  name: 'etcd-certs',
  vars: EtcdCertsVars,
  plays: [
    { name: 'etcd certificates: report', hosts: 'controllers', become: true, maxFailPercentage: 0, tasks: [report] },
    { name: 'etcd certificates: renew on the workstation', hosts: 'controllers', tasks: [current, renew] },
    { name: 'etcd certificates: copy', hosts: 'controllers', become: true, maxFailPercentage: 0, tasks: [cert, key] },
    // a play of its own: its probes run after every member's copy (new handshakes load the new files)
    { name: 'etcd certificates: served', hosts: 'controllers', become: true, tasks: [served, healthy] },
  ],
});

/**
 * Pure judges of the certificate report: days left of every certificate a member holds (files) and serves
 * (2379, 2380), against `etcdCertWarnDays` and `etcdCertMinDays`. A leaf at or below the min is renewed; a CA at
 * or below it is refused (a leaf cannot outlive its CA: rotate the CA instead).
 */
import { TsplayError } from '@tsplay/core';
import { daysLeft, shortFp, type CertFacts, type CertsProbe } from './certs-probe.js';

export interface ReportItem {
  /** `file /etc/etcd/ca.pem`, `file /etc/etcd/ca.pem #2`, `client 2379`, `peer 2380`. */
  where: string;
  subject: string;
  issuer: string;
  serial: string;
  fingerprint: string;
  notAfter: string;
  daysLeft: number;
  isCa: boolean;
}

export interface CertReport {
  items: ReportItem[];
  /** Days left of the leaf certificates (files and served), and of the CAs (files); undefined when none. */
  minLeafDays: number | undefined;
  minCaDays: number | undefined;
  level: 'ok' | 'warn' | 'renew';
  /** Served certificates that are not the host file's leaf, and what could not be read. */
  notes: string[];
}

export interface Thresholds {
  warnDays: number;
  minDays: number;
}

const item = (where: string, c: CertFacts, now: number): ReportItem => ({
  where,
  subject: c.subject,
  issuer: c.issuer,
  serial: c.serial,
  fingerprint: c.fingerprint,
  notAfter: new Date(c.notAfter).toISOString(),
  daysLeft: daysLeft(c, now),
  isCa: c.isCa,
});

const min = (xs: number[]): number | undefined => (xs.length === 0 ? undefined : Math.min(...xs));

/** Pure: the report of one member. `certFile` is the host path of its leaf (what it should serve). */
export function certReport(p: CertsProbe, certFile: string, t: Thresholds): CertReport {
  const items: ReportItem[] = [];
  for (const f of p.files) f.certs.forEach((c, i) => items.push(item(`file ${f.path}${i > 0 ? ` #${i + 1}` : ''}`, c, p.now)));
  const notes: string[] = [];
  const leaf = p.files.find((f) => f.path === certFile)?.certs[0];
  if (!leaf) notes.push(`${certFile} holds no certificate`);
  for (const s of p.served) {
    const where = `${s.port === 2379 ? 'client' : 'peer'} ${s.port}`;
    if (!s.cert) notes.push(`${where}: ${s.error ?? 'nothing served'}`);
    else {
      items.push(item(where, s.cert, p.now));
      if (leaf && s.cert.fingerprint !== leaf.fingerprint)
        notes.push(`${where} serves ${shortFp(s.cert)}, not ${certFile} (${shortFp(leaf)})`);
    }
  }
  const minLeafDays = min(items.filter((i) => !i.isCa).map((i) => i.daysLeft));
  const minCaDays = min(items.filter((i) => i.isCa).map((i) => i.daysLeft));
  const lowest = min([minLeafDays, minCaDays].filter((x): x is number => x !== undefined));
  const level =
    minLeafDays !== undefined && minLeafDays <= t.minDays ? 'renew' : lowest !== undefined && lowest <= t.warnDays ? 'warn' : 'ok';
  return { items, minLeafDays, minCaDays, level, notes };
}

/** Pure: refuse when a CA is at or below the min (renewing the leaf cannot help), naming it. */
export function refuseExpiringCa(r: CertReport, t: Thresholds, host: string): void {
  const ca = r.items.find((i) => i.isCa && i.daysLeft <= t.minDays);
  if (!ca) return;
  throw new TsplayError(
    'ETCD_CERT_EXPIRING',
    `the CA in ${ca.where.replace(/^file /, '')} (${ca.subject}) has ${ca.daysLeft} days left, etcdCertMinDays ${t.minDays}: a renewed leaf cannot outlive it`,
    {
      host,
      field: 'etcdCaFile',
      hint: 'rotate the CA with dual trust: playbooks/etcd-rotate-ca.ts (packages/etcd/README.md, "CA rotation")',
    },
  );
}

/** Pure: after a roll, every port must serve the host file's leaf. */
export function refuseNotServed(p: CertsProbe, certFile: string, host: string): void {
  const leaf = p.files.find((f) => f.path === certFile)?.certs[0];
  const bad = p.served.filter((s) => !leaf || s.cert?.fingerprint !== leaf.fingerprint);
  if (bad.length === 0) return;
  const what = bad.map((s) => `${s.port}: ${s.cert ? shortFp(s.cert) : (s.error ?? 'nothing')}`).join(', ');
  throw new TsplayError('ETCD_CERT_NOT_SERVED', `${host} does not serve ${certFile}${leaf ? ` (${shortFp(leaf)})` : ''}: ${what}`, {
    host,
    hint: 'journalctl -u etcd; a re-run restarts what is left',
  });
}

/** The report as lines: where, subject CN, days left, end date, short fingerprint. */
export function reportLines(r: CertReport, t: Thresholds): string[] {
  const cn = (s: string) => /CN=([^,]*)/.exec(s)?.[1] ?? s;
  const mark = (i: ReportItem) =>
    !i.isCa && i.daysLeft <= t.minDays
      ? 'RENEW'
      : i.isCa && i.daysLeft <= t.minDays
        ? 'EXPIRING'
        : i.daysLeft <= t.warnDays
          ? 'WARN'
          : 'ok';
  return [
    ...r.items.map(
      (i) =>
        `${i.where.padEnd(28)} ${cn(i.subject).padEnd(14)} issuer ${cn(i.issuer).padEnd(14)} ${String(i.daysLeft).padStart(5)} days (until ${i.notAfter.slice(0, 10)}) ${i.fingerprint.slice(0, 23)} ${mark(i)}`,
    ),
    ...r.notes.map((n) => `note: ${n}`),
  ];
}

/** One line: the lowest leaf and CA days, the verdict. */
export function reportSummary(r: CertReport, t: Thresholds): string {
  const d = (x: number | undefined) => (x === undefined ? 'none' : `${x} days`);
  const verdict =
    r.level === 'renew'
      ? `at or below etcdCertMinDays ${t.minDays}: renew`
      : r.level === 'warn'
        ? `WARN: at or below etcdCertWarnDays ${t.warnDays}`
        : 'ok';
  return `leaf ${d(r.minLeafDays)}, CA ${d(r.minCaDays)} left: ${verdict}${r.notes.length > 0 ? ` (${r.notes.join('; ')})` : ''}`;
}

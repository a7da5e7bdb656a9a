/**
 * The certificate probe of a member (read-only, on the host): the host's clock, etcd's state and start time,
 * the ctime of the CA file, every certificate in `/etc/etcd/*.pem` (only the CERTIFICATE blocks leave the host:
 * a key file, or the key half of a combined file, is never printed) and the leaf the member serves on 2379
 * (clients) and 2380 (peers), as `openssl s_client` on the host sees it. Parsed on the workstation with node's
 * X509Certificate (no dependency): pure.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { raw, sh } from '@tsplay/core';
import type { Tls } from '../schemas.js';

export interface CertFacts {
  pem: string;
  /** Node's one-line form of the names, e.g. `C=US, ST=Oregon, ..., CN=kubernetes`. */
  subject: string;
  issuer: string;
  serial: string;
  /** sha256 fingerprint, `AB:CD:...` as openssl prints it. */
  fingerprint: string;
  notAfter: number;
  isCa: boolean;
}

export interface Served {
  port: 2379 | 2380;
  cert: CertFacts | undefined;
  /** Why nothing was read (not running, no openssl...). */
  error?: string | undefined;
}

export interface CertsProbe {
  /** The host's clock, ms. */
  now: number;
  active: string;
  /** etcd's main process start (s), undefined when none. */
  startedAt: number | undefined;
  /** ctime (s) of the CA file, undefined when missing. */
  caCtime: number | undefined;
  files: { path: string; certs: CertFacts[] }[];
  served: Served[];
}

export interface ProbeArgs extends Tls {
  /** This member's internal IP (its client and peer URLs). */
  ip: string;
  dir: string;
}

const PEM_BLOCK = `sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p'`;
export const PORTS = [2379, 2380] as const;

/** Read-only; one line per item, `@@tag value`. */
export function certsProbeScript(a: ProbeArgs): string {
  const tls = sh`-CAfile ${a.caFile} -cert ${a.certFile} -key ${a.keyFile}`;
  return [
    `echo "@@now $(date +%s)"`,
    `a=$(systemctl is-active etcd 2>/dev/null); echo "@@active $a"`,
    `t=$(systemctl show -p ExecMainStartTimestamp --value etcd 2>/dev/null); if [ -n "$t" ]; then echo "@@started $(date -d "$t" +%s 2>/dev/null)"; fi`,
    sh`echo "@@cactime $(stat -c %Z ${a.caFile} 2>/dev/null || echo -)"`,
    sh`for f in ${a.dir}/*.pem; do [ -f "$f" ] || continue; if grep -q -- '-----BEGIN CERTIFICATE-----' "$f"; then echo "@@file $f"; ${raw(PEM_BLOCK)} "$f" | base64 | tr -d '\\n'; echo; fi; done`,
    `if ! command -v openssl >/dev/null 2>&1; then echo "@@noopenssl"; fi`,
    ...PORTS.map(
      (p) =>
        sh`if command -v openssl >/dev/null 2>&1; then echo "@@served ${String(p)} $(timeout 5 openssl s_client -connect ${`${a.ip}:${p}`} ${raw(tls)} </dev/null 2>/dev/null | ${raw(PEM_BLOCK)} | base64 | tr -d '\\n')"; fi`,
    ),
  ].join('\n');
}

/** Pure: every PEM certificate block of a text, parsed. */
export function parsePems(text: string): CertFacts[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((pem) => {
    const x = new X509Certificate(pem);
    return {
      pem: `${pem}\n`,
      subject: x.subject.split('\n').join(', '),
      issuer: x.issuer.split('\n').join(', '),
      serial: x.serialNumber,
      fingerprint: x.fingerprint256,
      notAfter: Date.parse(x.validTo),
      isCa: x.ca,
    };
  });
}

const b64 = (s: string) => Buffer.from(s.trim(), 'base64').toString('utf8');
const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** Pure. */
export function parseCertsProbe(out: string): CertsProbe {
  const lines = out.split('\n');
  const tag = (t: string) => lines.find((l) => l.startsWith(`@@${t} `) || l === `@@${t}`)?.slice(t.length + 3);
  const files: CertsProbe['files'] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('@@file ')) files.push({ path: l.slice(7), certs: safePems(b64(lines[i + 1] ?? '')) });
  });
  const noOpenssl = lines.includes('@@noopenssl');
  const served = PORTS.map((port): Served => {
    if (noOpenssl) return { port, cert: undefined, error: 'no openssl on the host' };
    const certs = safePems(b64(tag(`served ${port}`) ?? ''));
    return certs[0] ? { port, cert: certs[0] } : { port, cert: undefined, error: `no TLS answer on ${port}` };
  });
  return {
    now: (num(tag('now')) ?? 0) * 1000,
    active: (tag('active') ?? '').trim(),
    startedAt: num(tag('started')),
    caCtime: num(tag('cactime')),
    files,
    served,
  };
}

function safePems(text: string): CertFacts[] {
  try {
    return parsePems(text);
  } catch {
    return [];
  }
}

/** Whole days from `now` to the certificate's end (negative when expired), as `(enddate - now) / 86400` floored. */
export const daysLeft = (c: CertFacts, now: number): number => Math.floor((c.notAfter - now) / 86_400_000);

/** Short id of a certificate for reports: the first 8 bytes of its sha256 fingerprint. */
export const shortFp = (c: CertFacts): string => c.fingerprint.split(':').slice(0, 8).join('').toLowerCase();

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

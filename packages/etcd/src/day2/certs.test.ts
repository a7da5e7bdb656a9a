import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certReport, refuseExpiringCa, refuseNotServed, reportLines, reportSummary } from './certs-judge.js';
import { certsProbeScript, parseCertsProbe, parsePems, type CertsProbe } from './certs-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-certs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
// a CA (100 days) and a leaf it signs (20 days), made by openssl: the oracle of the parser
ssl(
  'req',
  '-x509',
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:P-256',
  '-nodes',
  '-keyout',
  'ca-key.pem',
  '-out',
  'ca.pem',
  '-days',
  '100',
  '-subj',
  '/CN=Test CA',
  '-addext',
  'basicConstraints=critical,CA:TRUE',
);
ssl(
  'req',
  '-newkey',
  'ec',
  '-pkeyopt',
  'ec_paramgen_curve:P-256',
  '-nodes',
  '-keyout',
  'kubernetes-key.pem',
  '-out',
  'k.csr',
  '-subj',
  '/O=Kubernetes/CN=kubernetes',
);
ssl(
  'x509',
  '-req',
  '-in',
  'k.csr',
  '-CA',
  'ca.pem',
  '-CAkey',
  'ca-key.pem',
  '-set_serial',
  '0x1234',
  '-days',
  '20',
  '-out',
  'kubernetes.pem',
);
rmSync(join(dir, 'k.csr'));
const pem = (f: string) => readFileSync(join(dir, f), 'utf8');
// a combined file: the certificate block may leave the host, the key block never
writeFileSync(join(dir, 'combined.pem'), pem('kubernetes-key.pem') + pem('kubernetes.pem'));
const tls = { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'kubernetes.pem'), keyFile: join(dir, 'kubernetes-key.pem') };
const now = Date.now();
const enddays = (f: string) => Math.floor((Date.parse(ssl('x509', '-in', f, '-noout', '-enddate').trim().slice(9)) - now) / 86_400_000);

const probe = (over: Partial<CertsProbe> = {}): CertsProbe => {
  const [ca] = parsePems(pem('ca.pem'));
  const [leaf] = parsePems(pem('kubernetes.pem'));
  return {
    now,
    active: 'active',
    startedAt: 1,
    caCtime: 1,
    files: [
      { path: tls.caFile, certs: [ca!] },
      { path: tls.certFile, certs: [leaf!] },
    ],
    served: [
      { port: 2379, cert: leaf },
      { port: 2380, cert: leaf },
    ],
    ...over,
  };
};
const t = { warnDays: 60, minDays: 10 };

describe('certificate probe', () => {
  it("run on this machine: the files' certificates with their dates, never a key; nothing served on a closed port", () => {
    const s = certsProbeScript({ ...tls, ip: '127.0.0.1', dir });
    expect(s).not.toMatch(/systemctl (restart|stop|start)|rm |mv /);
    expect(s).toContain(`-connect 127.0.0.1:2379`);
    expect(s).toContain(`-connect 127.0.0.1:2380`);
    const out = execFileSync('sh', ['-c', s.replace(/127\.0\.0\.1:23(79|80)/g, '127.0.0.1:1')], { encoding: 'utf8' });
    const decoded = out
      .split('\n')
      .map((l) => Buffer.from(l, 'base64').toString('utf8'))
      .join('\n');
    expect(decoded).not.toContain('PRIVATE KEY');
    expect(out).not.toContain('PRIVATE KEY');
    const p = parseCertsProbe(out);
    expect(p.files.map((f) => [f.path.slice(dir.length + 1), f.certs.length]).sort()).toEqual([
      ['ca.pem', 1],
      ['combined.pem', 1],
      ['kubernetes.pem', 1],
    ]);
    const leaf = p.files.find((f) => f.path === tls.certFile)?.certs[0];
    expect(leaf?.serial).toBe('1234');
    expect(leaf?.isCa).toBe(false);
    expect(leaf?.fingerprint).toBe(ssl('x509', '-in', tls.certFile, '-noout', '-fingerprint', '-sha256').trim().split('=')[1]);
    expect(p.files.find((f) => f.path === tls.caFile)?.certs[0]?.isCa).toBe(true);
    expect(Math.abs(p.now - Date.now())).toBeLessThan(5000);
    expect(p.served.map((x) => [x.port, x.cert, x.error])).toEqual([
      [2379, undefined, 'no TLS answer on 2379'],
      [2380, undefined, 'no TLS answer on 2380'],
    ]);
  });
});

describe('certificate report', () => {
  it('days left as openssl -enddate says; a leaf at or below the min is to renew, a cert at or below warn is WARN', () => {
    const r = certReport(probe(), tls.certFile, t);
    expect(r.minLeafDays).toBe(enddays('kubernetes.pem'));
    expect(r.minCaDays).toBe(enddays('ca.pem'));
    expect(r.items.map((i) => i.where)).toEqual([`file ${tls.caFile}`, `file ${tls.certFile}`, 'client 2379', 'peer 2380']);
    expect(r.level).toBe('warn');
    expect(reportSummary(r, t)).toMatch(/^leaf 19 days, CA 99 days left: WARN/);
    expect(certReport(probe(), tls.certFile, { warnDays: 5, minDays: 5 }).level).toBe('ok');
    const renew = certReport(probe(), tls.certFile, { warnDays: 60, minDays: 19 });
    expect(renew.level).toBe('renew');
    expect(reportLines(renew, { warnDays: 60, minDays: 19 }).filter((l) => l.endsWith('RENEW'))).toHaveLength(3);
  });

  it('a CA at or below the min is refused (ETCD_CERT_EXPIRING naming etcdCaFile), not renewed', () => {
    const r = certReport(probe(), tls.certFile, { warnDays: 100, minDays: 99 });
    expect(() => refuseExpiringCa(r, { warnDays: 100, minDays: 99 }, 'controller-0')).toThrow(
      expect.objectContaining({ code: 'ETCD_CERT_EXPIRING', field: 'etcdCaFile' }),
    );
    expect(() => refuseExpiringCa(r, { warnDays: 100, minDays: 98 }, 'controller-0')).not.toThrow();
  });

  it('a port serving another certificate is a note, and after a roll ETCD_CERT_NOT_SERVED', () => {
    const [ca] = parsePems(pem('ca.pem'));
    const p = probe({
      served: [
        { port: 2379, cert: ca },
        { port: 2380, cert: undefined, error: 'no TLS answer on 2380' },
      ],
    });
    const r = certReport(p, tls.certFile, t);
    expect(r.notes).toEqual([expect.stringMatching(/^client 2379 serves [0-9a-f]{16}, not /), 'peer 2380: no TLS answer on 2380']);
    expect(() => refuseNotServed(p, tls.certFile, 'controller-1')).toThrow(expect.objectContaining({ code: 'ETCD_CERT_NOT_SERVED' }));
    expect(() => refuseNotServed(probe(), tls.certFile, 'controller-1')).not.toThrow();
  });
});

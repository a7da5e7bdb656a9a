import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeModule, Overlay, type AnyModule, type ExecuteOptions } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { pkiCa, pkiCert, pkiCertInfo, type PkiCertInfo } from '../index.js';

const conn = new LocalConnection('local');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-pki-info-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (mod: unknown, args: unknown, opts: ExecuteOptions = {}) => executeModule(conn, mod as AnyModule, args, opts);
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('pki_cert_info (oracle: openssl)', () => {
  const ca = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca-key.pem') };
  const leaf = {
    cert: join(dir, 'k.pem'),
    key: join(dir, 'k-key.pem'),
    ca: ca.cert,
    caKey: ca.key,
    ips: ['10.240.0.10'],
    dnsNames: ['kubernetes'],
    days: 40,
  };

  it('reads subject, SANs, the PEM and the days left of a certificate; never changes anything', async () => {
    for (const [m, a] of [
      [pkiCa, ca],
      [pkiCert, leaf],
    ] as const)
      expect((await run(m, a)).error).toBeUndefined();
    const before = Math.floor(Date.now() / 1000) * 1000; // the module's clock is the host's `date +%s`
    const e = await run(pkiCertInfo, { cert: leaf.cert });
    const after = Date.now();
    expect(e.error).toBeUndefined();
    expect(e.outcome.status).toBe('ok');
    const info = e.outcome.data as PkiCertInfo;
    expect(info.ips).toEqual(['10.240.0.10']);
    expect(info.dnsNames).toEqual(['kubernetes']);
    expect(info.subject).toBe('CN=kubernetes, OU=Kubernetes The Hard Way, O=Kubernetes, L=Portland, ST=Oregon, C=US');
    expect(info.isCa).toBe(false);
    const end = Date.parse(
      openssl('x509', '-in', leaf.cert, '-noout', '-enddate')
        .trim()
        .replace(/^notAfter=/, ''),
    );
    // Whole days from the module's clock reading (somewhere between before and after) to openssl's notAfter:
    // 40 when read in the second the certificate was issued, else 39.
    expect(info.daysLeft).toBeGreaterThanOrEqual(Math.floor((end - after) / 86_400_000));
    expect(info.daysLeft).toBeLessThanOrEqual(Math.floor((end - before) / 86_400_000));
    expect([39, 40]).toContain(info.daysLeft);
    expect(openssl('x509', '-noout', '-serial', '-in', leaf.cert).trim().toLowerCase()).toBe(`serial=${info.serial.toLowerCase()}`);
    expect(info.pem).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('a missing certificate is PKI_CERT_INVALID naming cert; one an earlier check-mode task writes is unknown', async () => {
    const e = await run(pkiCertInfo, { cert: join(dir, 'none.pem') });
    expect(e.error?.code).toBe('PKI_CERT_INVALID');
    expect(e.error?.field).toBe('cert');
    const overlay = new Overlay();
    const fresh = { ...leaf, cert: join(dir, 'new.pem') };
    expect((await run(pkiCert, fresh, { check: true, overlay })).outcome.status).toBe('changed');
    expect((await run(pkiCertInfo, { cert: fresh.cert }, { check: true, overlay })).outcome.status).toBe('unknown');
  });
});

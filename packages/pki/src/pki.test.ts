import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeModule, Overlay, type AnyModule, type ExecuteOptions } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { pkiCa, pkiCert } from './index.js';

const conn = new LocalConnection('local');
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tsplay-pki-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const run = (mod: unknown, args: unknown, opts: ExecuteOptions = {}) => executeModule(conn, mod as AnyModule, args, opts);
const ok = async (p: ReturnType<typeof run>) => {
  const e = await p;
  if (e.error) throw e.error;
  return e;
};
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

function files(d: string) {
  const ca = { cert: join(d, 'pki/ca.pem'), key: join(d, 'pki/ca-key.pem') };
  const leaf = {
    cert: join(d, 'pki/kubernetes.pem'),
    key: join(d, 'pki/kubernetes-key.pem'),
    ca: ca.cert,
    caKey: ca.key,
    ips: ['10.240.0.10', '127.0.0.1'],
    dnsNames: ['kubernetes', 'controller-0'],
  };
  return { ca, leaf };
}

describe('pki_ca and pki_cert on the local connection (oracle: openssl)', () => {
  it('a fresh dir: check predicts both, the run makes a CA and a leaf that openssl verifies, with the SANs; keys 0600', async () => {
    const d = temp();
    const { ca, leaf } = files(d);
    const overlay = new Overlay();
    const cCa = await ok(run(pkiCa, ca, { check: true, overlay }));
    const cLeaf = await ok(run(pkiCert, leaf, { check: true, overlay }));
    expect([cCa.outcome.status, cLeaf.outcome.status]).toEqual(['changed', 'changed']);
    expect(cLeaf.outcome.summary).toContain('the CA would be made anew');
    expect(() => statSync(join(d, 'pki'))).toThrow();

    expect((await ok(run(pkiCa, ca))).outcome.status).toBe('changed');
    expect((await ok(run(pkiCert, leaf))).outcome.status).toBe('changed');
    expect(openssl('verify', '-CAfile', ca.cert, leaf.cert).trim()).toBe(`${leaf.cert}: OK`);
    const text = openssl('x509', '-in', leaf.cert, '-noout', '-text');
    expect(text).toMatch(
      /DNS:controller-0, DNS:kubernetes, IP Address:10\.240\.0\.10, IP Address:127\.0\.0\.1|DNS:kubernetes, DNS:controller-0/,
    );
    expect(openssl('x509', '-in', leaf.cert, '-noout', '-ext', 'subjectAltName')).toContain('IP Address:10.240.0.10');
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toContain('CA:FALSE');
    expect(text).toContain('ASN1 OID: prime256v1');
    expect(openssl('x509', '-in', ca.cert, '-noout', '-text')).toContain('CA:TRUE');
    // the key belongs to the certificate (same public key)
    expect(openssl('pkey', '-in', leaf.key, '-pubout')).toBe(openssl('x509', '-in', leaf.cert, '-noout', '-pubkey'));
    expect([mode(ca.key), mode(leaf.key), mode(ca.cert), mode(leaf.cert), mode(join(d, 'pki'))]).toEqual([
      '600',
      '600',
      '644',
      '644',
      '700',
    ]);
  });

  it('a re-run keeps everything (bytes unchanged); check says unchanged', async () => {
    const d = temp();
    const { ca, leaf } = files(d);
    await ok(run(pkiCa, ca));
    await ok(run(pkiCert, leaf));
    const before = [ca.cert, ca.key, leaf.cert, leaf.key].map(sha);
    const overlay = new Overlay();
    expect((await ok(run(pkiCa, ca, { check: true, overlay }))).outcome.status).toBe('ok');
    expect((await ok(run(pkiCert, leaf, { check: true, overlay }))).outcome.status).toBe('ok');
    expect((await ok(run(pkiCa, ca))).outcome.status).toBe('ok');
    expect((await ok(run(pkiCert, leaf))).outcome.status).toBe('ok');
    expect([ca.cert, ca.key, leaf.cert, leaf.key].map(sha)).toEqual(before);
  });

  it('new SANs, or renewDays above the days left, re-issue the leaf with its key kept; openssl still verifies', async () => {
    const d = temp();
    const { ca, leaf } = files(d);
    await ok(run(pkiCa, ca));
    await ok(run(pkiCert, leaf));
    const keyBefore = sha(leaf.key);
    const more = { ...leaf, ips: [...leaf.ips, '10.240.0.11'] };
    expect((await ok(run(pkiCert, more, { check: true, overlay: new Overlay() }))).outcome.summary).toContain('+IP:10.240.0.11');
    const certBefore = sha(leaf.cert);
    const reissue = await ok(run(pkiCert, more));
    expect(reissue.outcome.status).toBe('changed');
    // the diff shows the SANs, never key material
    expect(reissue.diff?.[0]?.after).toContain('IP:10.240.0.11');
    expect(JSON.stringify(reissue.diff)).not.toMatch(/PRIVATE KEY|BEGIN/);
    expect(sha(leaf.cert)).not.toBe(certBefore);
    expect(openssl('x509', '-in', leaf.cert, '-noout', '-ext', 'subjectAltName')).toContain('IP Address:10.240.0.11');
    const renew = await ok(run(pkiCert, { ...more, renewDays: 400 }));
    expect(renew.outcome.summary).toMatch(/days are left, renewDays 400/);
    expect(sha(leaf.key)).toBe(keyBefore);
    expect(openssl('verify', '-CAfile', ca.cert, leaf.cert).trim()).toBe(`${leaf.cert}: OK`);
    const end = openssl('x509', '-in', leaf.cert, '-noout', '-enddate').trim();
    expect(Date.parse(end.replace('notAfter=', '')) - Date.now()).toBeGreaterThan(360 * 86_400_000);
  });

  it('a renewed CA keeps its key: the old leaf still verifies against it', async () => {
    const d = temp();
    const { ca, leaf } = files(d);
    await ok(run(pkiCa, ca));
    await ok(run(pkiCert, leaf));
    const caBefore = sha(ca.cert);
    expect((await ok(run(pkiCa, { ...ca, renewDays: 5000 }))).outcome.status).toBe('changed');
    expect(sha(ca.cert)).not.toBe(caBefore);
    expect(openssl('verify', '-CAfile', ca.cert, leaf.cert).trim()).toBe(`${leaf.cert}: OK`);
    expect((await ok(run(pkiCert, leaf))).outcome.status).toBe('ok');
  });

  it('a leaf from another CA is re-issued; a key readable by others is repaired to 0600 without a new certificate', async () => {
    const d = temp();
    const { ca, leaf } = files(d);
    const other = { cert: join(d, 'other.pem'), key: join(d, 'other-key.pem') };
    await ok(run(pkiCa, other));
    await ok(run(pkiCert, { ...leaf, ca: other.cert, caKey: other.key }));
    await ok(run(pkiCa, ca));
    const r = await ok(run(pkiCert, leaf));
    expect(r.outcome.summary).toContain('not signed by this CA');
    expect(openssl('verify', '-CAfile', ca.cert, leaf.cert).trim()).toBe(`${leaf.cert}: OK`);
    chmodSync(leaf.key, 0o644);
    const certBefore = sha(leaf.cert);
    const fix = await ok(run(pkiCert, leaf));
    expect(fix.outcome.summary).toBe(`would set ${leaf.key} to mode 0600 (is 0644)`);
    expect([mode(leaf.key), sha(leaf.cert)]).toEqual(['600', certBefore]);
  });

  it('an RSA CA made by openssl (KTHW, the lab) signs a P-256 leaf that openssl verifies; the CA is kept', async () => {
    const d = temp();
    const ca = { cert: join(d, 'ca.pem'), key: join(d, 'ca-key.pem') };
    openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', ca.key);
    chmodSync(ca.key, 0o600);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      ca.key,
      '-out',
      ca.cert,
      '-days',
      '365',
      '-sha256',
      '-subj',
      '/O=Kubernetes/CN=Kubernetes',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    );
    const caBytes = sha(ca.cert);
    expect((await ok(run(pkiCa, { ...ca, subject: 'O=Kubernetes, CN=Kubernetes' }))).outcome.status).toBe('ok');
    const leaf = { ...files(d).leaf, ca: ca.cert, caKey: ca.key };
    expect((await ok(run(pkiCert, leaf))).outcome.status).toBe('changed');
    expect(openssl('verify', '-CAfile', ca.cert, leaf.cert).trim()).toBe(`${leaf.cert}: OK`);
    expect(openssl('x509', '-in', leaf.cert, '-noout', '-text')).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect((await ok(run(pkiCert, leaf))).outcome.status).toBe('ok');
    expect(sha(ca.cert)).toBe(caBytes);
  });

  it("a leaf never outlives its CA: notAfter is capped at the CA's", async () => {
    const d = temp();
    const { ca, leaf } = files(d);
    await ok(run(pkiCa, { ...ca, days: 100 }));
    await ok(run(pkiCert, { ...leaf, days: 365, renewDays: 10 }));
    const end = (f: string) => openssl('x509', '-in', f, '-noout', '-enddate').trim();
    expect(end(leaf.cert)).toBe(end(ca.cert));
  });

  it('without a CA the leaf is a coded error naming the arg', async () => {
    const d = temp();
    const e = await run(pkiCert, files(d).leaf);
    expect([e.error?.code, e.error?.field]).toEqual(['PKI_CA_INVALID', 'ca']);
    expect(e.error?.hint).toContain('pki_ca');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { kubernetesSans, makePki } from './pki.js';

describe('kubernetesSans', () => {
  test('KTHW ch. 04 names, one IP per lab host', () => {
    expect(kubernetesSans(['10.240.0.10', '10.240.0.11'])).toEqual([
      'IP:10.32.0.1',
      'IP:10.240.0.10',
      'IP:10.240.0.11',
      'IP:127.0.0.1',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster',
      'DNS:kubernetes.svc.cluster.local',
    ]);
  });
});

describe('makePki (openssl)', () => {
  test('a CA and certs it verifies, with the SANs, usages and 0600 keys', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tsplay-pki-')), 'pki');
    const f = await makePki(dir, ['10.240.0.10', '10.240.0.11', '10.240.0.12']);
    const text = execFileSync('openssl', ['x509', '-in', f.cert, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain(
      'IP Address:10.32.0.1, IP Address:10.240.0.10, IP Address:10.240.0.11, IP Address:10.240.0.12, IP Address:127.0.0.1',
    );
    expect(text).toContain('DNS:kubernetes.svc.cluster.local');
    expect(text).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
    expect(text).toMatch(/Subject: .*CN ?= ?kubernetes/);
    for (const cert of [f.cert, f.serverCert]) {
      expect(execFileSync('openssl', ['verify', '-CAfile', f.caCert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
    }
    expect(execFileSync('openssl', ['x509', '-in', f.serverCert, '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' })).toContain(
      'IP Address:10.240.0.1',
    );
    for (const key of [f.caKey, f.key, f.serverKey]) expect(statSync(key).mode & 0o777).toBe(0o600);
  });
});

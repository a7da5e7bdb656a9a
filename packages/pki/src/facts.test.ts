import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { factTable } from '@tsplay/modules/kit';
import { describe, expect, it } from 'vitest';
import { certFileFact, clockFact, keyFileFact } from './facts.js';

/** Fixtures made by openssl (an independent producer): an EC P-256 CA, a leaf it signed, an RSA key. */
const fixture = (n: string) => readFileSync(join(import.meta.dirname, 'fixtures', n), 'utf8');
const probe = (mode: string, text: string) => ({ stdout: `F ${mode}\n${Buffer.from(text).toString('base64')}\n` });
/** `openssl pkey -pubout -outform DER | sha256sum` of each fixture key. */
const SPKI = {
  ca: 'cd694396f95f8556ac62215ba7adb08f5690568c5099a79301fa0eb6d9d8fdf4',
  leaf: '0ec356918a11b28ec26876cd4c758f4f61337886f6ae81c1d44bb51439fc5757',
  rsa: '6e912d3c9cb383113273b0a0c4a80c6f13cb24d688a6896c46481df95e2eb429',
};
const pem = expect.stringContaining('-----BEGIN CERTIFICATE-----');
const secret = expect.objectContaining({ reveal: expect.any(Function) });

describe('certFileFact', () => {
  factTable(
    certFileFact('/w/kubernetes.pem'),
    [
      { name: 'absent', result: { stdout: 'A\n' }, value: { kind: 'absent' } },
      {
        name: 'too large',
        result: { stdout: 'L 99999\n' },
        value: { kind: 'invalid', mode: 0, reason: '99999 bytes: larger than a PEM file' },
      },
      { name: 'empty', result: { stdout: 'F 644\n\n' }, value: { kind: 'invalid', mode: 0o644, reason: 'empty or unreadable' } },
      {
        name: 'not a certificate',
        result: probe('644', 'hello\n'),
        value: { kind: 'invalid', mode: 0o644, reason: expect.stringMatching(/^not a PEM certificate/) },
      },
      {
        name: 'the openssl leaf: subject, issuer, SANs sorted, dates, serial, public key',
        result: probe('640', fixture('leaf.pem')),
        value: {
          kind: 'cert',
          mode: 0o640,
          cert: {
            pem,
            subject: 'O=Fixture, CN=kubernetes',
            issuer: 'C=US, O=Fixture, CN=Fixture CA',
            sans: ['DNS:controller-0', 'DNS:kubernetes', 'IP:10.240.0.10', 'IP:127.0.0.1'],
            notBefore: Date.parse('2026-12-04T22:07:43Z'),
            notAfter: Date.parse('2027-12-04T22:07:43Z'),
            isCa: false,
            spki: SPKI.leaf,
            serial: '1234abcd',
          },
        },
      },
      {
        name: 'the openssl CA: self-signed, CA:TRUE, no SANs',
        result: probe('644', fixture('ca.pem')),
        value: {
          kind: 'cert',
          mode: 0o644,
          cert: {
            pem,
            subject: 'C=US, O=Fixture, CN=Fixture CA',
            issuer: 'C=US, O=Fixture, CN=Fixture CA',
            sans: [],
            notBefore: Date.parse('2026-12-04T22:07:43Z'),
            notAfter: Date.parse('2036-12-01T22:07:43Z'),
            isCa: true,
            spki: SPKI.ca,
            serial: '75ded000dc2397f17cf0200e1ccc4e003417832b',
          },
        },
      },
    ],
    { it, expect },
  );
});

describe('keyFileFact', () => {
  factTable(
    keyFileFact('/w/kubernetes-key.pem'),
    [
      { name: 'absent', result: { stdout: 'A\n' }, value: { kind: 'absent' } },
      {
        name: 'a certificate is not a key',
        result: probe('600', fixture('leaf.pem')),
        value: { kind: 'invalid', mode: 0o600, reason: expect.stringMatching(/^not a PEM private key/) },
      },
      {
        name: 'PKCS#8 P-256 (openssl genpkey)',
        result: probe('600', fixture('leaf-key.pem')),
        value: { kind: 'key', mode: 0o600, key: { spki: SPKI.leaf, algorithm: 'ec-P-256', pem: secret } },
      },
      {
        name: 'SEC1 P-256 (openssl ecparam), mode 0644 reported',
        result: probe('644', fixture('ca-key.sec1.pem')),
        value: { kind: 'key', mode: 0o644, key: { spki: SPKI.ca, algorithm: 'ec-P-256', pem: secret } },
      },
      {
        name: 'RSA 2048',
        result: probe('600', fixture('rsa-key.pem')),
        value: { kind: 'key', mode: 0o600, key: { spki: SPKI.rsa, algorithm: 'rsa-2048', pem: secret } },
      },
    ],
    { it, expect },
  );

  it('the key stays a Secret: JSON and String show no key material', () => {
    const v = keyFileFact('/w/k.pem').parse({ code: 0, stdout: probe('600', fixture('leaf-key.pem')).stdout, stderr: '' });
    const body = fixture('leaf-key.pem').split('\n')[1] ?? '';
    expect(body.length).toBeGreaterThan(16);
    expect(JSON.stringify(v)).not.toContain(body.slice(0, 16));
    expect(String(v.kind === 'key' ? v.key.pem : '')).not.toContain(body.slice(0, 16));
  });
});

describe('clockFact', () => {
  factTable(clockFact(), [{ name: 'date +%s in ms', result: { stdout: '1796422063\n' }, value: 1796422063000 }], { it, expect });
});

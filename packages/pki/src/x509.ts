/**
 * Reading certificates and keys (sync, pure): @peculiar/x509 for the certificate's structure, node's
 * KeyObject for the two checks WebCrypto only offers async (a key's public half, a signature).
 */
import 'reflect-metadata';
import { createHash, createPrivateKey, createPublicKey, X509Certificate as NodeCert } from 'node:crypto';
import { BasicConstraintsExtension, Name, SubjectAlternativeNameExtension, X509Certificate } from '@peculiar/x509';
import { Secret } from '@tsplay/modules/kit';

export interface CertInfo {
  pem: string;
  subject: string;
  issuer: string;
  /** `DNS:name` and `IP:addr`, sorted. */
  sans: string[];
  notBefore: number;
  notAfter: number;
  isCa: boolean;
  /** sha256 hex of the public key (SubjectPublicKeyInfo DER). */
  spki: string;
  serial: string;
}

export interface KeyInfo {
  /** sha256 hex of the public half (SubjectPublicKeyInfo DER). */
  spki: string;
  /** `ec-P-256`, `rsa-2048`, ... */
  algorithm: string;
  pem: Secret<string>;
}

const sha256 = (b: Buffer | ArrayBuffer): string =>
  createHash('sha256')
    .update(Buffer.from(b as ArrayBuffer))
    .digest('hex');

/** A distinguished name in one canonical spelling (so `CN=a,O=b` and `CN=a, O=b` compare equal). */
export function canonicalName(dn: string): string {
  return new Name(dn).toString();
}

/** SANs as `DNS:x` / `IP:y`, sorted and without duplicates. */
export function canonicalSans(ips: readonly string[], dns: readonly string[]): string[] {
  return [...new Set([...ips.map((i) => `IP:${i}`), ...dns.map((d) => `DNS:${d}`)])].sort();
}

/** Parse one PEM certificate; throws on anything else. */
export function parseCert(pem: string): CertInfo {
  const c = new X509Certificate(pem);
  const san = c.getExtension(SubjectAlternativeNameExtension);
  const ips: string[] = [];
  const dns: string[] = [];
  for (const n of san?.names.items ?? []) {
    if (n.type === 'ip') ips.push(n.value);
    else if (n.type === 'dns') dns.push(n.value);
  }
  return {
    pem: c.toString('pem'),
    subject: canonicalName(c.subject),
    issuer: canonicalName(c.issuer),
    sans: canonicalSans(ips, dns),
    notBefore: c.notBefore.getTime(),
    notAfter: c.notAfter.getTime(),
    isCa: c.getExtension(BasicConstraintsExtension)?.ca ?? false,
    spki: sha256(c.publicKey.rawData),
    serial: c.serialNumber,
  };
}

/** Parse one PEM private key (PKCS#8, SEC1 or PKCS#1); throws on anything else. */
export function parseKey(pem: string): KeyInfo {
  const k = createPrivateKey(pem);
  const d = k.asymmetricKeyDetails ?? {};
  const algorithm =
    k.asymmetricKeyType === 'ec'
      ? `ec-${d.namedCurve === 'prime256v1' ? 'P-256' : (d.namedCurve ?? '?')}`
      : `${k.asymmetricKeyType ?? '?'}-${d.modulusLength ?? '?'}`;
  const spki = createPublicKey(k).export({ type: 'spki', format: 'der' });
  return { spki: sha256(spki), algorithm, pem: new Secret(pem) };
}

/** Was `cert` signed by the private key `caKeyPem`? (pure: a signature check, no I/O) */
export function signedBy(cert: CertInfo, caKeyPem: string): boolean {
  try {
    return new NodeCert(cert.pem).verify(createPublicKey(createPrivateKey(caKeyPem)));
  } catch {
    return false;
  }
}

/** Whole days from `now` to `notAfter` (negative when expired). */
export function daysLeft(cert: CertInfo, now: number): number {
  return Math.floor((cert.notAfter - now) / 86_400_000);
}

/** Key algorithms an existing key may have and still be reused (and a CA key still sign with). */
export const usableKey = (algorithm: string): boolean => algorithm === 'ec-P-256' || /^rsa-(2048|3072|4096)$/.test(algorithm);

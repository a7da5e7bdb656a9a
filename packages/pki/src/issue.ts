/**
 * Issuing (async, in apply only): ECDSA P-256 keys and X.509 certificates made by @peculiar/x509 over
 * node's WebCrypto (`globalThis.crypto`). No openssl on the workstation.
 */
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, type webcrypto } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';

export const KEY_ALGORITHM = 'ec-P-256';
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
export type ExtKeyUsage = keyof typeof EKU;

export interface KeyPair {
  keys: webcrypto.CryptoKeyPair;
  /** PEM of the private key. */
  pem: string;
  /** The WebCrypto algorithm it signs with. */
  alg: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;
}

export async function newKeyPair(): Promise<KeyPair> {
  const keys = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  return { keys, pem: PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'), alg: ALG };
}

/** An existing PEM key (any format node reads; P-256 or RSA) as a WebCrypto pair, with the algorithm it signs with. */
export async function importKeyPair(pem: string): Promise<KeyPair> {
  const k = createPrivateKey(pem);
  const pkcs8 = k.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(k).export({ type: 'spki', format: 'der' });
  const alg = k.asymmetricKeyType === 'rsa' ? RSA : ALG;
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, alg, true, ['sign']);
  const publicKey = await crypto.subtle.importKey('spki', spki, alg, true, ['verify']);
  return { keys: { privateKey, publicKey }, pem, alg };
}

/** An hour of slack before now, so that a clock a little behind still accepts the certificate. */
const validity = (now: number, days: number) => ({ notBefore: new Date(now - 3_600_000), notAfter: new Date(now + days * 86_400_000) });

export async function issueCa(p: { subject: string; days: number; key: KeyPair; now: number }): Promise<string> {
  const cert = await X509CertificateGenerator.createSelfSigned({
    name: p.subject,
    keys: p.key.keys,
    signingAlgorithm: p.key.alg,
    ...validity(p.now, p.days),
    extensions: [
      new BasicConstraintsExtension(true, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature, true),
      await SubjectKeyIdentifierExtension.create(p.key.keys.publicKey),
    ],
  });
  return `${cert.toString('pem')}\n`;
}

export interface LeafRequest {
  subject: string;
  ips: readonly string[];
  dnsNames: readonly string[];
  usages: readonly ExtKeyUsage[];
  days: number;
  now: number;
  key: KeyPair;
  caCertPem: string;
  caKey: KeyPair;
}

export async function issueLeaf(p: LeafRequest): Promise<string> {
  const ca = new X509Certificate(p.caCertPem);
  const names = [
    ...p.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...p.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await X509CertificateGenerator.create({
    subject: p.subject,
    issuer: ca.subjectName,
    publicKey: p.key.keys.publicKey,
    signingKey: p.caKey.keys.privateKey,
    signingAlgorithm: p.caKey.alg,
    ...validity(p.now, p.days),
    // never beyond the CA: a leaf cannot outlive its issuer
    notAfter: new Date(Math.min(p.now + p.days * 86_400_000, ca.notAfter.getTime())),
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
      new ExtendedKeyUsageExtension(p.usages.map((u) => EKU[u])),
      await SubjectKeyIdentifierExtension.create(p.key.keys.publicKey),
      await AuthorityKeyIdentifierExtension.create(p.caKey.keys.publicKey),
      new SubjectAlternativeNameExtension(names),
    ],
  });
  return `${cert.toString('pem')}\n`;
}

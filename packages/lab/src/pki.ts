import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $, settleAll, step } from './run.js';

const SUBJ = '/C=US/ST=Oregon/L=Portland/O=Kubernetes/OU=Kubernetes The Hard Way';

/** SANs of the `kubernetes` certificate, as KTHW chapter 04 makes it, for `addresses` (10.240.0.10-12 for 3 hosts). */
export function kubernetesSans(addresses: readonly string[]): string[] {
  return [
    'IP:10.32.0.1',
    ...addresses.map((a) => `IP:${a}`),
    'IP:127.0.0.1',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster',
    'DNS:kubernetes.svc.cluster.local',
  ];
}

/** An openssl x509 extension file for a leaf certificate. */
export function leafExtensions(sans: readonly string[], usage: 'server' | 'server+client'): string {
  return [
    'basicConstraints = critical, CA:FALSE',
    `keyUsage = critical, ${usage === 'server' ? 'digitalSignature' : 'digitalSignature, keyEncipherment'}`,
    `extendedKeyUsage = ${usage === 'server' ? 'serverAuth' : 'serverAuth, clientAuth'}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    `subjectAltName = ${sans.join(', ')}`,
    '',
  ].join('\n');
}

export interface PkiFiles {
  dir: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
  serverCert: string;
  serverKey: string;
}

export function pkiFiles(dir: string): PkiFiles {
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    cert: join(dir, 'kubernetes.pem'),
    key: join(dir, 'kubernetes-key.pem'),
    serverCert: join(dir, 'fileserver.pem'),
    serverKey: join(dir, 'fileserver-key.pem'),
  };
}

async function leaf(f: PkiFiles, name: string, cn: string, certPath: string, keyPath: string, ext: string): Promise<void> {
  const csr = join(f.dir, `${name}.csr`);
  const extFile = join(f.dir, `${name}.ext`);
  await writeFile(extFile, ext);
  await $`openssl req -new -key ${keyPath} -out ${csr} -subj ${`${SUBJ}/CN=${cn}`}`;
  await $`openssl x509 -req -in ${csr} -CA ${f.caCert} -CAkey ${f.caKey} -set_serial ${`0x${randomBytes(16).toString('hex')}`} -days 365 -sha256 -extfile ${extFile} -out ${certPath}`;
  await rm(csr);
  await rm(extFile);
}

/** A private key file, 0600 from the start. */
async function genKey(path: string, kind: 'rsa' | 'ec'): Promise<void> {
  await writeFile(path, '', { mode: 0o600 });
  if (kind === 'rsa') await $`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ${path}`;
  else await $`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${path}`;
  await chmod(path, 0o600);
}

/**
 * The lab PKI: a CA, the KTHW `kubernetes` cert (server+client, used by etcd for peers and clients) and the
 * file server's cert for 10.240.0.1. Keys are 0600.
 */
export async function makePki(dir: string, addresses: readonly string[]): Promise<PkiFiles> {
  const f = pkiFiles(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // RSA 2048 like KTHW for the CA and the kubernetes key (generated in parallel); P-256 for the file server
  await step('make the lab keys', () => settleAll([genKey(f.caKey, 'rsa'), genKey(f.key, 'rsa'), genKey(f.serverKey, 'ec')]));
  await step(
    'make the lab CA',
    () =>
      $`openssl req -x509 -new -key ${f.caKey} -out ${f.caCert} -days 365 -sha256 -subj ${`${SUBJ}/CN=Kubernetes`} -addext ${'basicConstraints=critical,CA:TRUE'} -addext ${'keyUsage=critical,keyCertSign,cRLSign'}`,
  );
  await step('make the kubernetes certificate', () =>
    leaf(f, 'kubernetes', 'kubernetes', f.cert, f.key, leafExtensions(kubernetesSans(addresses), 'server+client')),
  );
  await step('make the file server certificate', () =>
    leaf(f, 'fileserver', 'tsplay-lab-fileserver', f.serverCert, f.serverKey, leafExtensions(['IP:10.240.0.1'], 'server')),
  );
  return f;
}

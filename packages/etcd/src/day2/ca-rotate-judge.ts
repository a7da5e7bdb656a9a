/**
 * Pure judges of the CA rotation (playbooks/etcd-rotate-ca.ts). Three phases, each a separate run, each
 * refused on a member that is not ready for it (`ETCD_CA_PHASE`, before any host changes, in check mode too):
 * - `trust`: the members' CA file becomes old CA + new CA, rolled in (each member then accepts both chains);
 * - `leaf`: needs every member to run with that bundle loaded; then the leaf signed by the new CA, rolled in;
 * - `finish`: needs every member to hold and serve (2379, 2380) a leaf of the new CA and to trust it; then the
 *   CA file becomes the new CA alone, rolled in.
 * "Loaded" is read from the host like the rolling restart's need: etcd started after the CA file's last change.
 */
import { X509Certificate } from 'node:crypto';
import { TsplayError } from '@tsplay/core';
import type { CertFacts, CertsProbe } from './certs-probe.js';

export const CA_PHASES = ['trust', 'leaf', 'finish'] as const;
export type CaPhase = (typeof CA_PHASES)[number];

export interface CaState {
  /** The host's CA file holds the old / the new CA. */
  trustsOld: boolean;
  trustsNew: boolean;
  /** The other certificates in it (neither CA). */
  others: number;
  /** etcd runs and started after the CA file's last change (it has loaded what the file holds). */
  loaded: boolean;
  /** The host's leaf file, and what each port serves, is signed by the new CA. */
  leafNew: boolean;
  servedNew: Record<'2379' | '2380', boolean>;
}

/** Pure: was `cert` issued and signed by `caPem`? */
export function signedBy(cert: CertFacts | undefined, caPem: string): boolean {
  if (!cert) return false;
  try {
    const ca = new X509Certificate(caPem);
    const x = new X509Certificate(cert.pem);
    return x.checkIssued(ca) && x.verify(ca.publicKey);
  } catch {
    return false;
  }
}

const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;

export function caState(p: CertsProbe, files: { caFile: string; certFile: string }, oldCaPem: string, newCaPem: string): CaState {
  const cas = p.files.find((f) => f.path === files.caFile)?.certs ?? [];
  const [o, n] = [fp(oldCaPem), fp(newCaPem)];
  const leaf = p.files.find((f) => f.path === files.certFile)?.certs[0];
  const served = (port: number) => signedBy(p.served.find((s) => s.port === port)?.cert, newCaPem);
  return {
    trustsOld: cas.some((c) => c.fingerprint === o),
    trustsNew: cas.some((c) => c.fingerprint === n),
    others: cas.filter((c) => c.fingerprint !== o && c.fingerprint !== n).length,
    loaded:
      ['active', 'activating', 'reloading'].includes(p.active) &&
      p.startedAt !== undefined &&
      p.caCtime !== undefined &&
      p.caCtime <= p.startedAt,
    leafNew: signedBy(leaf, newCaPem),
    servedNew: { '2379': served(2379), '2380': served(2380) },
  };
}

const served = (s: CaState) => s.servedNew['2379'] && s.servedNew['2380'];

/** Pure: why this member is not ready for the phase, or undefined. */
export function phaseBlocker(phase: CaPhase, s: CaState): string | undefined {
  if (phase === 'trust') {
    if (!s.trustsOld && s.trustsNew && s.leafNew)
      return 'the rotation is finished here (it trusts the new CA alone and holds its leaf): point etcdCaFile and etcdCertFile at the new files';
    if (!s.trustsOld && !s.trustsNew) return 'its CA file holds neither etcdCaFile nor etcdNewCaFile';
    return undefined;
  }
  if (phase === 'leaf') {
    if (!(s.trustsOld && s.trustsNew)) return 'its CA file is not the trust bundle (old + new CA): run -e etcdCaPhase=trust first';
    if (!s.loaded) return 'etcd has not loaded the trust bundle yet (not restarted since it was written): re-run -e etcdCaPhase=trust';
    return undefined;
  }
  if (!s.trustsNew) return 'its CA file does not hold the new CA: run -e etcdCaPhase=trust first';
  if (!s.leafNew || !served(s)) return 'it does not hold and serve (2379, 2380) a leaf of the new CA: run -e etcdCaPhase=leaf first';
  return undefined;
}

/** Pure: is the phase complete on this member (the check after its roll)? */
export function phaseDone(phase: CaPhase, s: CaState): string | undefined {
  if (!s.loaded) return 'etcd has not loaded its CA file';
  if (phase === 'trust') return s.trustsOld && s.trustsNew ? undefined : 'the CA file is not the trust bundle';
  if (!s.trustsNew || !s.leafNew || !served(s)) return `it does not serve a leaf of the new CA on ${s.servedNew['2379'] ? '2380' : '2379'}`;
  if (phase === 'finish' && (s.trustsOld || s.others > 0)) return 'the CA file still holds other CAs than the new one';
  return undefined;
}

export function describeState(s: CaState): string {
  const trust = s.trustsOld && s.trustsNew ? 'old + new CA' : s.trustsNew ? 'the new CA' : s.trustsOld ? 'the old CA' : 'neither CA';
  return `trusts ${trust}${s.loaded ? '' : ' (not loaded yet)'}; leaf of the ${s.leafNew ? 'new' : 'old'} CA; serves the ${served(s) ? 'new' : s.servedNew['2379'] || s.servedNew['2380'] ? 'new and old' : 'old'} CA's leaf`;
}

export function caPhaseError(host: string, message: string, hint: string): TsplayError {
  return new TsplayError('ETCD_CA_PHASE', `${host}: ${message}`, { host, field: 'etcdCaPhase', hint });
}

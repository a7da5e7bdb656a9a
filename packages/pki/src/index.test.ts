import { describe, expect, it } from 'vitest';
import * as pki from './index.js';
import { kubernetesSans } from './index.js';

describe('@tsplay/pki public surface', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(pki).sort()).toEqual(
      [
        'KTHW_KUBERNETES_IPS',
        'KTHW_KUBERNETES_NAMES',
        'kubernetesSans',
        'pkiCa',
        'pkiCaArgs',
        'pkiCert',
        'pkiCertArgs',
        'pkiCertInfo',
        'pkiCertInfoArgs',
        'pkiError',
      ].sort(),
    );
  });
  it('the modules are kit modules named pki_ca and pki_cert, with the codes they raise declared', () => {
    expect([pki.pkiCa.kind, pki.pkiCa.name, pki.pkiCert.kind, pki.pkiCert.name]).toEqual([
      'tsplay-module',
      'pki_ca',
      'tsplay-module',
      'pki_cert',
    ]);
    expect(pki.pkiError.codes).toEqual(['PKI_CA_INVALID', 'PKI_CERT_INVALID', 'PKI_WRITE_FAILED']);
  });
});

describe('kubernetesSans', () => {
  it('internal IPs (else IP addresses), names, etcdName, 127.0.0.1 and the KTHW names; sorted, no duplicates', () => {
    const sans = kubernetesSans([
      { name: 'controller-0', address: '10.240.0.10', vars: { internalIp: '10.240.0.10' } },
      { name: 'controller-1', address: 'c1.example.com', vars: { internalIp: '10.240.0.11', etcdName: 'etcd-1' } },
      { name: 'controller-2', address: '10.240.0.12', vars: {} },
    ]);
    expect(sans).toEqual({
      ips: ['10.240.0.10', '10.240.0.11', '10.240.0.12', '10.32.0.1', '127.0.0.1'],
      dnsNames: [
        'c1.example.com',
        'controller-0',
        'controller-1',
        'controller-2',
        'etcd-1',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster',
        'kubernetes.svc.cluster.local',
      ],
    });
  });
});

import { planTable } from '@tsplay/modules/kit';
import { expect, it } from 'vitest';
import { ABSENT, certOf, DAY, keyOf, LEAF_NOT_AFTER, PENDING, T0 } from '../testing.js';
import { pkiCert } from './index.js';

const args = {
  cert: '/w/kubernetes.pem',
  key: '/w/kubernetes-key.pem',
  ca: '/w/ca.pem',
  caKey: '/w/ca-key.pem',
  subject: 'O=Fixture, CN=kubernetes',
  ips: ['10.240.0.10', '127.0.0.1'],
  dnsNames: ['kubernetes', 'controller-0'],
};
const valid = { cert: certOf('leaf.pem'), key: keyOf('leaf-key.pem'), ca: certOf('ca.pem'), caKey: keyOf('ca-key.sec1.pem'), now: T0 };
const issued = (reason: string, newKey = false) => ({
  changed: true,
  summary: `would issue /w/kubernetes.pem for O=Fixture, CN=kubernetes (${reason})${newKey ? ' with a new key /w/kubernetes-key.pem' : ''}`,
  data: { issue: true, newKey },
});

planTable(
  pkiCert,
  [
    {
      name: 'valid, same SANs, signed by this CA: kept',
      args,
      facts: valid,
      plan: { changed: false, summary: '/w/kubernetes.pem is valid (364 days left)' },
    },
    {
      name: 'the SANs in another order are the same SANs',
      args: { ...args, ips: ['127.0.0.1', '10.240.0.10', '127.0.0.1'], dnsNames: ['controller-0', 'kubernetes'] },
      facts: valid,
      plan: { changed: false },
    },
    {
      name: 'a new member IP: re-issued, key kept',
      args: { ...args, ips: [...args.ips, '10.240.0.11'] },
      facts: valid,
      plan: issued('its SANs differ (+IP:10.240.0.11)'),
    },
    {
      name: 'a name dropped',
      args: { ...args, dnsNames: ['kubernetes'] },
      facts: valid,
      plan: issued('its SANs differ (-DNS:controller-0)'),
    },
    {
      name: 'renewDays above the days left',
      args: { ...args, renewDays: 400 },
      facts: valid,
      plan: issued('364 days are left, renewDays 400'),
    },
    { name: 'expired', args, facts: { ...valid, now: LEAF_NOT_AFTER + DAY }, plan: issued('it has expired') },
    {
      name: 'another subject',
      args: { ...args, subject: 'CN=kubernetes' },
      facts: valid,
      plan: { changed: true, summary: 'would issue /w/kubernetes.pem for CN=kubernetes (its subject is O=Fixture, CN=kubernetes)' },
    },
    {
      name: 'a CA key that belongs to another CA certificate (same name)',
      args,
      facts: { ...valid, ca: certOf('other-ca.pem'), caKey: keyOf('ca-key.sec1.pem') },
      error: { code: 'PKI_CA_INVALID', field: 'ca', message: /does not match the CA certificate/ },
    },
    { name: 'the key does not match', args, facts: { ...valid, key: keyOf('rsa-key.pem') }, plan: issued('its key does not match it') },
    {
      name: 'nothing there: a new key and a certificate',
      args,
      facts: { ...valid, cert: ABSENT, key: ABSENT },
      plan: {
        ...issued('there is none', true),
        predict: { paths: { '/w/kubernetes.pem': { exists: true, mode: 0o644 }, '/w/kubernetes-key.pem': { exists: true, mode: 0o600 } } },
      },
    },
    {
      name: 'a cert file that holds no certificate',
      args,
      facts: { ...valid, cert: { kind: 'invalid', mode: 0o644, reason: 'not a PEM certificate (x)' } },
      plan: issued('not a PEM certificate (x)'),
    },
    {
      name: 'a certificate readable only by its owner is set to 0644',
      args,
      facts: { ...valid, cert: certOf('leaf.pem', 0o600) },
      plan: { changed: true, summary: 'would set /w/kubernetes.pem to mode 0644 (is 0600)', data: { issue: false } },
    },
    {
      name: 'no CA: a coded error naming ca',
      args,
      facts: { ...valid, ca: ABSENT },
      error: { code: 'PKI_CA_INVALID', field: 'ca', message: /is missing/ },
    },
    {
      name: 'no CA key',
      args,
      facts: { ...valid, caKey: ABSENT },
      error: { code: 'PKI_CA_INVALID', field: 'ca', message: /CA key \/w\/ca-key.pem is missing/ },
    },
    {
      name: 'a CA that is not a CA',
      args,
      facts: { ...valid, ca: certOf('leaf.pem'), caKey: keyOf('leaf-key.pem') },
      error: { code: 'PKI_CA_INVALID', field: 'ca', message: /is not a CA certificate/ },
    },
    {
      name: 'check mode: the CA made anew (new key) before: the leaf is issued',
      args,
      facts: { ...valid, ca: PENDING, caKey: PENDING },
      plan: issued('the CA would be made anew'),
    },
    {
      name: 'check mode: the CA renewed with its key: unknown',
      args,
      facts: { ...valid, ca: PENDING },
      plan: { unknown: 'the CA /w/ca.pem would be renewed first' },
    },
    { name: 'no SANs at all', args: { ...args, ips: [], dnsNames: [] }, error: { code: 'ARGS_INVALID', field: 'ips' } },
    { name: 'a bad IP', args: { ...args, ips: ['10.0.0.300'] }, error: { code: 'ARGS_INVALID', field: 'ips.0' } },
  ],
  { it, expect },
);

import { planTable } from '@tsplay/modules/kit';
import { expect, it } from 'vitest';
import { ABSENT, CA_NOT_AFTER, certOf, DAY, keyOf, PENDING, T0 } from '../testing.js';
import { pkiCa } from './index.js';

const args = { cert: '/w/ca.pem', key: '/w/ca-key.pem', subject: 'C=US, O=Fixture, CN=Fixture CA' };
const valid = { cert: certOf('ca.pem'), key: keyOf('ca-key.sec1.pem'), now: T0 };

planTable(
  pkiCa,
  [
    { name: 'a valid CA is kept', args, facts: valid, plan: { changed: false, summary: 'CA /w/ca.pem is valid (3649 days left)' } },
    {
      name: 'the subject is compared in canonical form',
      args: { ...args, subject: 'C=US,O=Fixture,CN=Fixture CA' },
      facts: valid,
      plan: { changed: false },
    },
    {
      name: 'nothing there: a CA and a new key',
      args,
      facts: { cert: ABSENT, key: ABSENT, now: T0 },
      plan: {
        changed: true,
        summary: 'would issue the CA /w/ca.pem (there is none) with a new key /w/ca-key.pem',
        predict: {
          paths: { '/w/ca.pem': { exists: true, type: 'file', mode: 0o644 }, '/w/ca-key.pem': { exists: true, type: 'file', mode: 0o600 } },
        },
        data: { issue: true, newKey: true },
      },
    },
    {
      name: 'renewDays or fewer left: renewed with the same key (leaves stay valid)',
      args,
      facts: { ...valid, now: CA_NOT_AFTER - 10 * DAY - 1000 },
      plan: {
        changed: true,
        summary: 'would issue the CA /w/ca.pem (10 days are left, renewDays 30)',
        predict: { paths: { '/w/ca.pem': { exists: true } } },
        data: { issue: true, newKey: false },
      },
    },
    {
      name: 'renewDays 0 keeps a CA until it expires',
      args: { ...args, renewDays: 0 },
      facts: { ...valid, now: CA_NOT_AFTER - 2 * DAY },
      plan: { changed: false },
    },
    {
      name: 'expired',
      args,
      facts: { ...valid, now: CA_NOT_AFTER + DAY },
      plan: { changed: true, summary: 'would issue the CA /w/ca.pem (it has expired)' },
    },
    {
      name: 'another subject',
      args: { ...args, subject: 'CN=Kubernetes' },
      facts: valid,
      plan: { changed: true, summary: 'would issue the CA /w/ca.pem (its subject is C=US, O=Fixture, CN=Fixture CA)' },
    },
    {
      name: 'the key does not match: a certificate for the key there',
      args,
      facts: { ...valid, key: keyOf('leaf-key.pem') },
      plan: { changed: true, summary: 'would issue the CA /w/ca.pem (its key does not match it)', data: { newKey: false } },
    },
    {
      name: 'a leaf is not a CA',
      args: { ...args, subject: 'O=Fixture, CN=kubernetes' },
      facts: { ...valid, cert: certOf('leaf.pem') },
      plan: { changed: true, summary: 'would issue the CA /w/ca.pem (it is not a CA certificate)' },
    },
    {
      name: 'the key missing: a new one',
      args,
      facts: { ...valid, key: ABSENT },
      plan: {
        changed: true,
        summary: 'would issue the CA /w/ca.pem (its key is missing) with a new key /w/ca-key.pem',
        data: { newKey: true },
      },
    },
    {
      name: 'a key readable by others is repaired, not re-issued',
      args,
      facts: { ...valid, key: keyOf('ca-key.sec1.pem', 0o644) },
      plan: {
        changed: true,
        summary: 'would set /w/ca-key.pem to mode 0600 (is 0644)',
        predict: { paths: { '/w/ca-key.pem': { exists: true, mode: 0o600 } } },
        data: { issue: false, chmod: [['/w/ca-key.pem', 0o600]] },
      },
    },
    {
      name: 'check mode: an earlier task writes the CA: unknown',
      args,
      facts: { ...valid, cert: PENDING },
      plan: { unknown: 'an earlier task would write /w/ca.pem' },
    },
    {
      name: 'relative paths resolve against the playbook',
      args: { ...args, cert: 'ca.pem', key: 'ca-key.pem' },
      ctx: { baseDir: '/w' },
      facts: valid,
      plan: { changed: false, summary: 'CA /w/ca.pem is valid (3649 days left)' },
    },
    { name: 'a subject that is no DN', args: { ...args, subject: 'not a dn' }, error: { code: 'ARGS_INVALID', field: 'subject' } },
  ],
  { it, expect },
);

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caState, phaseBlocker, phaseDone, signedBy } from './ca-rotate-judge.js';
import { parsePems, type CertsProbe } from './certs-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-ca-rotate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
for (const n of ['old', 'new'])
  ssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${n}-key.pem`,
    '-out',
    `${n}.pem`,
    '-days',
    '30',
    '-subj',
    '/CN=Kubernetes',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  );
ssl('req', ...EC, '-keyout', 'k-key.pem', '-out', 'k.csr', '-subj', '/CN=kubernetes');
// the same subject and key, signed by each CA (the old CA and the new one share their subject, as in a real rotation)
for (const n of ['old', 'new'])
  ssl(
    'x509',
    '-req',
    '-in',
    'k.csr',
    '-CA',
    `${n}.pem`,
    '-CAkey',
    `${n}-key.pem`,
    '-set_serial',
    n === 'old' ? '1' : '2',
    '-days',
    '20',
    '-out',
    `leaf-${n}.pem`,
  );
const pem = (f: string) => readFileSync(join(dir, f), 'utf8');
const one = (f: string) => parsePems(pem(f))[0];
const files = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem' };

const probe = (trust: string[], leaf: 'old' | 'new', served: 'old' | 'new', loaded = true): CertsProbe => ({
  now: Date.now(),
  active: 'active',
  startedAt: 100,
  caCtime: loaded ? 100 : 101,
  files: [
    { path: files.caFile, certs: trust.flatMap((t) => parsePems(pem(`${t}.pem`))) },
    { path: files.certFile, certs: [one(`leaf-${leaf}.pem`)!] },
  ],
  served: [
    { port: 2379, cert: one(`leaf-${served}.pem`) },
    { port: 2380, cert: one(`leaf-${served}.pem`) },
  ],
});
const state = (p: CertsProbe) => caState(p, files, pem('old.pem'), pem('new.pem'));

describe('CA rotation judges', () => {
  it('signedBy checks the signature, not the names (both CAs are CN=Kubernetes)', () => {
    expect(signedBy(one('leaf-new.pem'), pem('new.pem'))).toBe(true);
    expect(signedBy(one('leaf-old.pem'), pem('new.pem'))).toBe(false);
    expect(signedBy(one('leaf-old.pem'), pem('old.pem'))).toBe(true);
    expect(signedBy(undefined, pem('old.pem'))).toBe(false);
  });

  it('trust: allowed from the start, and again half-way; refused once finished', () => {
    expect(phaseBlocker('trust', state(probe(['old'], 'old', 'old')))).toBeUndefined();
    expect(phaseBlocker('trust', state(probe(['old', 'new'], 'old', 'old', false)))).toBeUndefined();
    expect(phaseBlocker('trust', state(probe(['new'], 'new', 'new')))).toMatch(/finished/);
    expect(phaseDone('trust', state(probe(['old', 'new'], 'old', 'old')))).toBeUndefined();
    expect(phaseDone('trust', state(probe(['old', 'new'], 'old', 'old', false)))).toMatch(/not loaded/);
  });

  it('leaf: needs the bundle, loaded by etcd', () => {
    expect(phaseBlocker('leaf', state(probe(['old'], 'old', 'old')))).toMatch(/etcdCaPhase=trust first/);
    expect(phaseBlocker('leaf', state(probe(['old', 'new'], 'old', 'old', false)))).toMatch(/not loaded the trust bundle/);
    expect(phaseBlocker('leaf', state(probe(['old', 'new'], 'old', 'old')))).toBeUndefined();
    expect(phaseDone('leaf', state(probe(['old', 'new'], 'new', 'old')))).toMatch(/does not serve a leaf of the new CA/);
    expect(phaseDone('leaf', state(probe(['old', 'new'], 'new', 'new')))).toBeUndefined();
  });

  it('finish: needs the new leaf held and served; complete when the new CA alone is loaded', () => {
    expect(phaseBlocker('finish', state(probe(['old', 'new'], 'new', 'old')))).toMatch(/etcdCaPhase=leaf first/);
    expect(phaseBlocker('finish', state(probe(['old', 'new'], 'old', 'old')))).toMatch(/etcdCaPhase=leaf first/);
    expect(phaseBlocker('finish', state(probe(['old', 'new'], 'new', 'new')))).toBeUndefined();
    expect(phaseBlocker('finish', state(probe(['new'], 'new', 'new', false)))).toBeUndefined();
    expect(phaseDone('finish', state(probe(['old', 'new'], 'new', 'new')))).toMatch(/other CAs/);
    expect(phaseDone('finish', state(probe(['new'], 'new', 'new')))).toBeUndefined();
  });
});

/**
 * Cert rotation through the role on the lab (issue 17, item 5; issue 28): 3 converged members, both writers
 * (gateway, etcdctl/clientv3 with all endpoints) putting a key every 100 ms. `etcd.ts -e etcdCertFile=` a
 * certificate re-signed by the lab CA for the same names: copied, no restart (etcd reads it at the next
 * handshake). Then a new CA file (a trust bundle: the lab CA and another), which etcd loads only at start:
 * the rolling restart, one member at a time, leader last; and back to the lab's files. Oracles on the hosts:
 * the certificate each member serves (openssl s_client: fingerprint, serial), etcd's MainPID and restart
 * windows from systemd (they must not overlap, the leader's last), the member list, the keys each writer put.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { labPaths } from '@tsplay/lab';
import { startBothWriters, type BothReports } from '../helpers/writer-both.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, memberTable, recordResult, tsplay, WRITE_BOUND_S, type CliRun } from './harness.js';
import { endpoints, ips, leaderName, mainPids, names, restartWindow, served } from './oracles.js';

const ssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A new certificate for the lab key, with the SANs and subject of the lab's own, signed by the lab CA (temp dir). */
function resignedCert(): string {
  const p = labPaths();
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-rotation-'));
  const sans = ssl('x509', '-in', p.cert, '-noout', '-ext', 'subjectAltName')
    .split('\n')
    .slice(1)
    .join('')
    .trim()
    .replace(/IP Address:/g, 'IP:');
  const subject = ssl('x509', '-in', p.cert, '-noout', '-subject', '-nameopt', 'compat')
    .replace(/^subject=\s*/, '')
    .trim();
  writeFileSync(
    join(dir, 'ext'),
    `basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth, clientAuth\nsubjectAltName = ${sans}\n`,
  );
  ssl('req', '-new', '-key', p.key, '-out', join(dir, 'csr'), '-subj', subject);
  const cert = join(dir, 'kubernetes.pem'); // same file name: the host path stays /etc/etcd/kubernetes.pem
  ssl(
    'x509',
    '-req',
    '-in',
    join(dir, 'csr'),
    '-CA',
    p.caCert,
    '-CAkey',
    p.caKey,
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-days',
    '30',
    '-sha256',
    '-extfile',
    join(dir, 'ext'),
    '-out',
    cert,
  );
  return cert;
}

const fingerprint = (pem: string) =>
  execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' }).trim();
const serialOf = (pem: string) =>
  execFileSync('openssl', ['x509', '-noout', '-serial'], { input: pem, encoding: 'utf8' })
    .trim()
    .replace(/^serial=/, '')
    .toUpperCase();
const ok = (r: CliRun) => expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);

/** The lab CA and a fresh one in one file named ca.pem (the host path stays /etc/etcd/ca.pem). */
function trustBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-bundle-'));
  const [key, other] = [join(dir, 'other-key.pem'), join(dir, 'other.pem')];
  ssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    other,
    '-days',
    '30',
    '-subj',
    '/CN=other CA',
  );
  writeFileSync(join(dir, 'ca.pem'), readFileSync(labPaths().caCert, 'utf8') + readFileSync(other, 'utf8'));
  return join(dir, 'ca.pem');
}

/** Both writers within `bound`; the figures recorded as `op` and `op (etcdctl)`; their keys in the cluster. */
async function checkWriters(op: string, both: BothReports, prefix: string, bound: { gateway: number; etcdctl: number }) {
  recordResult(op, both.gateway);
  recordResult(`${op} (etcdctl)`, both.etcdctl);
  for (const w of ['gateway', 'etcdctl'] as const) {
    expect(both[w].writes, w).toBeGreaterThan(10);
    expect(both[w].longestFailureRunS, `${w}: ${JSON.stringify(both.etcdctl.errors)}`).toBeLessThanOrEqual(bound[w]);
  }
  const count = async (p: string) => Number((await etcdctlOn('controller-2', `get ${p} --prefix --keys-only | grep -c '^${p}'`)).trim());
  expect(await count(prefix)).toBeGreaterThanOrEqual(both.gateway.okSeqs.length);
  expect(await count(`${prefix.replace(/\/$/, '')}-etcdctl/`)).toBeGreaterThanOrEqual(both.etcdctl.okSeqs.length);
}

describe('etcd cert rotation through the role: a new leaf without a restart, a new CA file one member at a time', () => {
  const inv = () => inventoryOf(names);
  let cert = '';

  beforeAll(async () => {
    await labWith(3);
    const boot = await tsplay('etcd.ts', inv());
    if (boot.code !== 0) throw new Error(`converge of 3 members failed: ${boot.stdout.slice(-2000)}${boot.stderr}`);
    cert = resignedCert();
  });

  test('--check predicts the 3 cert copies and nothing else; no member restarts, each serves the new cert, writes never stop', async () => {
    const expected = names.map((h) => `${h} › etcd cert`);
    const check = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--check', '--json']);
    ok(check);
    expect(changedOf(check)).toEqual(expected);
    const pids = await mainPids();
    const w = startBothWriters(endpoints, '/day2/rotation/');
    const r = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--json']);
    const both = await w.stop();
    ok(r);
    expect(changedOf(r)).toEqual(expected);
    expect(await mainPids()).toEqual(pids);
    const pem = readFileSync(cert, 'utf8');
    expect(fingerprint(pem)).not.toBe(fingerprint(readFileSync(labPaths().cert, 'utf8')));
    for (const [i, h] of names.entries())
      for (const port of [2379, 2380])
        expect(await served(h, ips[i] as string, port), `${h}:${port}`).toEqual({ fingerprint: fingerprint(pem), serial: serialOf(pem) });
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
    await checkWriters('cert rotation', both, '/day2/rotation/', WRITE_BOUND_S.noTransfer);
  });

  test('a re-run with the same cert changes nothing, and --check agrees', async () => {
    const r = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--json']);
    ok(r);
    expect(changedOf(r)).toEqual([]);
    const c = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--check', '--json']);
    ok(c);
    expect(changedOf(c)).toEqual([]);
  });

  test('a new CA file: one rolling restart per member, the leader last, windows apart; then back to the lab files', async () => {
    const ca = trustBundle();
    const leader = await leaderName();
    const args = ['-e', `etcdCertFile=${cert}`, '-e', `etcdCaFile=${ca}`, '--json'];
    const expected = [
      ...names.map((h) => `${h} › etcd ca cert`),
      ...names.map((h) => `${h} › etcd rolling restart (${h === leader ? 'leader last' : 'followers'})`),
    ].sort();
    const check = await tsplay('etcd.ts', inv(), [...args, '--check']);
    ok(check);
    expect(changedOf(check)).toEqual(expected);
    const t0 = Date.now();
    const w = startBothWriters(endpoints, '/day2/rotation-ca/');
    const r = await tsplay('etcd.ts', inv(), args);
    const both = await w.stop();
    ok(r);
    expect(changedOf(r)).toEqual(expected);
    const windows = (await Promise.all(names.map(restartWindow))).sort((a, b) => a.from - b.from);
    for (const x of windows) expect(x.from, x.host).toBeGreaterThanOrEqual(t0 - 1000);
    for (let i = 1; i < windows.length; i++)
      expect(windows[i]!.from, `${windows[i]!.host} after ${windows[i - 1]!.host}`).toBeGreaterThan(windows[i - 1]!.to);
    expect(windows.at(-1)?.host).toBe(leader);
    await checkWriters('ca file rotation', both, '/day2/rotation-ca/', WRITE_BOUND_S);
    // back to the lab's files (the CA file changes again: rolled in the same way), and etcd.ts agrees
    ok(await tsplay('etcd.ts', inv()));
    const c = await tsplay('etcd.ts', inv(), ['--check', '--json']);
    ok(c);
    expect(changedOf(c)).toEqual([]);
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
  });
});

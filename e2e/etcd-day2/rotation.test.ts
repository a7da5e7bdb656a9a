/**
 * Cert rotation on the lab (issue 17, item 5): 3 converged members, a writer putting a key every 100 ms,
 * `etcd.ts -e etcdCertFile=` a certificate re-signed by the lab CA for the same names. Oracles on the hosts:
 * the certificate each member serves (openssl s_client), the restart windows from systemd's own timestamps
 * (they must not overlap, the leader's last), the member list; and the writer's longest failure run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { labPaths } from '@tsplay/lab';
import { hostOutput } from '../helpers/lab.js';
import { startBothWriters } from '../helpers/writer-both.js';
import { changedOf, etcdctlOn, inventoryOf, labWith, memberTable, recordResult, tsplay, WRITE_BOUND_S } from './harness.js';

const names = ['controller-0', 'controller-1', 'controller-2'];
const ips = ['10.240.0.10', '10.240.0.11', '10.240.0.12'];
const endpoints = ips.map((ip) => `https://${ip}:2379`);

/** A new certificate for the lab key, with the SANs and subject of the lab's own, signed by the lab CA (temp dir). */
function resignedCert(): string {
  const p = labPaths();
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-rotation-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
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

/** The certificate a member serves on a port, as openssl on the host sees it. */
async function served(host: string, ip: string, port: number): Promise<string> {
  const tls = '-CAfile /etc/etcd/ca.pem -cert /etc/etcd/kubernetes.pem -key /etc/etcd/kubernetes-key.pem';
  return (
    await hostOutput(
      host,
      `openssl s_client -connect ${ip}:${port} ${tls} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`,
      { become: true },
    )
  ).trim();
}

/** systemd's last stop (ActiveExit) and start (ActiveEnter) of etcd, in ms since the epoch. */
async function restartWindow(host: string): Promise<{ host: string; from: number; to: number }> {
  const out = await hostOutput(host, 'systemctl show etcd -p ActiveExitTimestamp -p ActiveEnterTimestamp --timestamp=us+utc', {
    become: true,
  });
  const at = (k: string) => {
    const m = new RegExp(`^${k}=\\w+ (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+) UTC$`, 'm').exec(out);
    if (!m?.[1]) throw new Error(`${host}: no ${k} in ${out}`);
    return Date.parse(`${m[1].replace(' ', 'T').slice(0, 23)}Z`);
  };
  return { host, from: at('ActiveExitTimestamp'), to: at('ActiveEnterTimestamp') };
}

async function leaderName(): Promise<string> {
  const table = await etcdctlOn('controller-0', `--endpoints=${endpoints.join(',')} endpoint status -w table`);
  const ip = ips.find((x) => table.split('\n').some((l) => l.includes(`${x}:2379`) && / true /.test(l)));
  if (!ip) throw new Error(`no leader in ${table}`);
  return names[ips.indexOf(ip)] as string;
}

describe('etcd cert rotation: one member at a time, leader last', () => {
  const inv = () => inventoryOf(names);
  let cert = '';

  beforeAll(async () => {
    await labWith(3);
    const boot = await tsplay('etcd.ts', inv());
    if (boot.code !== 0) throw new Error(`converge of 3 members failed: ${boot.stdout.slice(-2000)}${boot.stderr}`);
    cert = resignedCert();
  });

  test('--check predicts the new cert and one rolling restart per member; the run makes exactly those, writes never stop', async () => {
    const leader = await leaderName();
    const expected = [
      ...names.map((h) => `${h} › etcd cert`),
      ...names.map((h) => `${h} › etcd rolling restart (${h === leader ? 'leader last' : 'followers'})`),
    ].sort();
    const check = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--check', '--json']);
    expect(check.code, check.stdout.slice(-3000) + check.stderr).toBe(0);
    expect(changedOf(check)).toEqual(expected);

    const t0 = Date.now();
    const p = labPaths();
    const w = startBothWriters(endpoints, '/day2/rotation/');
    const r = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--json']);
    const both = await w.stop();
    const report = both.gateway;
    recordResult('cert rotation', report);
    recordResult('cert rotation (etcdctl)', both.etcdctl);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual(expected);
    for (const [name, rep] of [
      ['gateway', report],
      ['etcdctl', both.etcdctl],
    ] as const) {
      expect(rep.writes, name).toBeGreaterThan(10);
      expect(rep.longestFailureRunS, `${name}: ${JSON.stringify(both.etcdctl.errors)}`).toBeLessThanOrEqual(WRITE_BOUND_S[name]);
    }

    // every member serves the new certificate, to clients and to peers
    const want = fingerprint(readFileSync(cert, 'utf8'));
    expect(want).not.toBe(fingerprint(readFileSync(p.cert, 'utf8')));
    for (const [i, h] of names.entries()) {
      expect(await served(h, ips[i] as string, 2379), h).toBe(want);
      expect(await served(h, ips[i] as string, 2380), h).toBe(want);
    }
    // one at a time: each member's stop..start window after t0, none overlapping, the leader's last
    const windows = (await Promise.all(names.map(restartWindow))).sort((a, b) => a.from - b.from);
    for (const x of windows) {
      expect(x.from, x.host).toBeGreaterThanOrEqual(t0 - 1000);
      expect(x.to, x.host).toBeGreaterThanOrEqual(x.from);
    }
    for (let i = 1; i < windows.length; i++)
      expect(windows[i]!.from, `${windows[i]!.host} after ${windows[i - 1]!.host}`).toBeGreaterThan(windows[i - 1]!.to);
    expect(windows.at(-1)?.host).toBe(leader);
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
    const keys = await etcdctlOn('controller-2', "get /day2/rotation/ --prefix --keys-only | grep -c '^/day2/rotation/'");
    expect(Number(keys.trim())).toBeGreaterThanOrEqual(report.okSeqs.length);
    const ctlKeys = await etcdctlOn('controller-2', `get ${w.etcdctlPrefix} --prefix --keys-only | grep -c '^${w.etcdctlPrefix}'`);
    expect(Number(ctlKeys.trim())).toBeGreaterThanOrEqual(both.etcdctl.okSeqs.length);
  });

  test('a re-run with the same cert changes nothing, and --check agrees', async () => {
    const r = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--json']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    expect(changedOf(r)).toEqual([]);
    const c = await tsplay('etcd.ts', inv(), ['-e', `etcdCertFile=${cert}`, '--check', '--json']);
    expect(c.code).toBe(0);
    expect(changedOf(c)).toEqual([]);
  });
});

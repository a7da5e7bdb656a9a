/**
 * Certificates on the lab (issue 28): etcd-certs.ts reports what every member holds and serves with its days
 * left, renews the leaf and rolls it in; etcd-rotate-ca.ts rotates the CA in three phases with dual trust, and
 * back to the lab's CA (so the next file finds the cluster as etcd.ts converges it: the last test proves it).
 * Both writers (gateway, etcdctl/clientv3 with all endpoints) put a key every 100 ms through every phase, with the
 * trust and client certificate a client would have at that point. A new leaf needs no restart (etcd reads it at
 * every new handshake): the renewal and the leaf phase keep every member's main PID; trust and finish (a new CA
 * file) restart one member at a time, leader last. Oracles on the hosts: openssl x509 -enddate and date, openssl
 * s_client (fingerprints, serials, -verify_return_error with one CA), curl with a client certificate of the old
 * CA, systemctl show (MainPID, restart windows), etcdctl member list.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { labPaths } from '@tsplay/lab';
import { hostOutput } from '../helpers/lab.js';
import { changedOf, inventoryOf, labWith, memberTable, recordResult, tsplay, WRITE_BOUND_S, type CliRun } from './harness.js';
import { ips, leaderName, mainPids, merge, names, restartWindow, served, startBoth, type Both } from './oracles.js';

const inv = () => inventoryOf(names);
const ssl = (...a: string[]) => execFileSync('openssl', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fingerprint = (file: string) => ssl('x509', '-noout', '-fingerprint', '-sha256', '-in', file).trim();
const serial = (file: string) =>
  ssl('x509', '-noout', '-serial', '-in', file)
    .trim()
    .replace(/^serial=/, '')
    .toUpperCase();
const ok = (r: CliRun) => expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);

/** A copy of the lab PKI (the lab's own files are never written). */
function pkiCopy(): string {
  const p = labPaths();
  const d = mkdtempSync(join(tmpdir(), 'tsplay-certs-'));
  for (const f of [p.caCert, p.caKey, p.cert, p.key]) copyFileSync(f, join(d, f.slice(f.lastIndexOf('/') + 1)));
  return d;
}
const files = (d: string) => [
  '-e',
  `etcdCaFile=${d}/ca.pem`,
  '-e',
  `etcdCertFile=${d}/kubernetes.pem`,
  '-e',
  `etcdKeyFile=${d}/kubernetes-key.pem`,
];

/** `etcd certificates` results of a --json run, by host. */
function reports(r: CliRun): Map<string, { summary: string; stdout: string }> {
  const m = new Map<string, { summary: string; stdout: string }>();
  for (const l of r.stdout.split('\n').filter((x) => x.startsWith('{'))) {
    const e = JSON.parse(l) as { type: string; task?: string; host?: string; summary?: string; stdout?: string };
    if (e.type === 'task.result' && e.task === 'etcd certificates' && e.host)
      m.set(e.host, { summary: e.summary ?? '', stdout: e.stdout ?? '' });
  }
  return m;
}

/** Days left of a host file, from the host's openssl and clock. */
async function hostDays(host: string, file: string): Promise<number> {
  const out = await hostOutput(host, `echo $(date +%s) $(date -d "$(openssl x509 -enddate -noout -in ${file} | cut -d= -f2)" +%s)`, {
    become: true,
  });
  const [now = 0, end = 0] = out.trim().split(' ').map(Number);
  return Math.floor((end - now) / 86400);
}

/** Each writer within its bound (the figures' evidence in the message). */
function withinBounds(b: Both, bound: { gateway: number; etcdctl: number }) {
  for (const w of ['gateway', 'etcdctl'] as const) {
    expect(b[w].writes, w).toBeGreaterThan(10);
    expect(b[w].longestFailureRunS, `${w}: ${JSON.stringify(b.etcdctl.errors)}`).toBeLessThanOrEqual(bound[w]);
  }
}

/** Restarted one at a time after t0 (systemd's windows do not overlap), the leader last. */
async function oneAtATime(t0: number, leader: string) {
  const windows = (await Promise.all(names.map(restartWindow))).sort((a, b) => a.from - b.from);
  for (const x of windows) expect(x.from, x.host).toBeGreaterThanOrEqual(t0 - 1000);
  for (let i = 1; i < windows.length; i++)
    expect(windows[i]!.from, `${windows[i]!.host} after ${windows[i - 1]!.host}`).toBeGreaterThan(windows[i - 1]!.to);
  expect(windows.at(-1)?.host).toBe(leader);
}

describe('etcd certificates: report, renewal, CA rotation with dual trust', () => {
  const cur = { dir: '' };

  beforeAll(async () => {
    await labWith(3);
    const boot = await tsplay('etcd.ts', inv());
    if (boot.code !== 0) throw new Error(`converge of 3 members failed: ${boot.stdout.slice(-2000)}${boot.stderr}`);
    cur.dir = pkiCopy();
  });

  test('the report matches openssl on the hosts; a renewal is served at once, no member restarts, writes never stop', async () => {
    const r = await tsplay('etcd-certs.ts', inv(), [...files(cur.dir), '--json']);
    ok(r);
    expect(changedOf(r)).toEqual([]);
    const rep = reports(r);
    expect([...rep.keys()].sort()).toEqual(names);
    for (const h of names) {
      const leaf = await hostDays(h, '/etc/etcd/kubernetes.pem');
      const ca = await hostDays(h, '/etc/etcd/ca.pem');
      expect(rep.get(h)?.summary, h).toMatch(new RegExp(`^leaf ${leaf} days, CA ${ca} days left: `));
      expect(rep.get(h)?.stdout, h).toMatch(new RegExp(`^client 2379 .* ${leaf} days`, 'm'));
      expect(rep.get(h)?.stdout, h).toMatch(new RegExp(`^peer 2380 .* ${leaf} days`, 'm'));
    }
    // asked for: --check says it would renew (the copies of a certificate not issued yet are the one thing it cannot show)
    const check = await tsplay('etcd-certs.ts', inv(), [...files(cur.dir), '-e', 'etcdCertRenew=true', '--check', '--json']);
    ok(check);
    const before = fingerprint(join(cur.dir, 'kubernetes.pem'));
    const pids = await mainPids();
    const p = labPaths();
    const w = startBoth({ caFile: p.caCert, certFile: p.cert, keyFile: p.key }, '/day2/certs/');
    const run = await tsplay('etcd-certs.ts', inv(), [...files(cur.dir), '-e', 'etcdCertRenew=true', '--json']);
    const both = await w.stop();
    recordResult('cert renewal', both.gateway);
    recordResult('cert renewal (etcdctl)', both.etcdctl);
    ok(run);
    const renewTask = 'renew the certificate (same CA, subject, SANs and key)';
    expect([...new Set(changedOf(check).map((x) => x.split(' › ')[1]))]).toEqual([renewTask]); // runOnce: on every host
    expect(changedOf(run).filter((x) => !x.endsWith(renewTask))).toEqual(names.map((h) => `${h} › etcd cert`));
    // no restart: the same main process on every member serves the new leaf on both ports (new handshakes)
    expect(await mainPids()).toEqual(pids);
    const after = fingerprint(join(cur.dir, 'kubernetes.pem'));
    expect(after).not.toBe(before);
    for (const [i, h] of names.entries())
      for (const port of [2379, 2380])
        expect(await served(h, ips[i] as string, port), `${h}:${port}`).toEqual({
          fingerprint: after,
          serial: serial(join(cur.dir, 'kubernetes.pem')),
        });
    withinBounds(both, WRITE_BOUND_S.noTransfer);
  });

  test('CA rotation: trust, leaf, finish; every member serves a chain of the new CA only, writes never stop', async () => {
    const next = mkdtempSync(join(tmpdir(), 'tsplay-next-ca-'));
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(next, 'ca-key.pem'),
      '-out',
      join(next, 'ca.pem'),
      '-days',
      '3650',
      '-subj',
      '/CN=Kubernetes next CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const bundle = join(next, 'client-bundle.pem');
    writeFileSync(bundle, readFileSync(join(cur.dir, 'ca.pem'), 'utf8') + readFileSync(join(next, 'ca.pem'), 'utf8'));
    const rot = (phase: string, extra: string[] = []) =>
      tsplay('etcd-rotate-ca.ts', inv(), [
        ...files(cur.dir),
        '-e',
        `etcdNewCaFile=${next}/ca.pem`,
        '-e',
        `etcdCaPhase=${phase}`,
        '--json',
        ...extra,
      ]);

    // out of order: refused before any host changes
    const early = await rot('leaf');
    expect(early.code).not.toBe(0);
    expect(early.stdout).toContain('ETCD_CA_PHASE');

    const clientOf = { trust: join(cur.dir, 'kubernetes.pem'), leaf: join(next, 'kubernetes.pem'), finish: join(next, 'kubernetes.pem') };
    const runs: Record<string, Both> = {};
    for (const phase of ['trust', 'leaf', 'finish'] as const) {
      const check = await rot(phase, ['--check']);
      ok(check);
      const [pids, leader, t0] = [await mainPids(), await leaderName(), Date.now()];
      const w = startBoth(
        { caFile: bundle, certFile: clientOf[phase], keyFile: join(cur.dir, 'kubernetes-key.pem') },
        `/day2/ca-${phase}/`,
      );
      const r = await rot(phase);
      runs[phase] = await w.stop();
      ok(r);
      expect(changedOf(r), phase).toEqual(changedOf(check));
      const restarts = changedOf(r).filter((x) => x.includes('rolling restart'));
      if (phase === 'leaf') {
        // a new leaf under a trust that already has both CAs: copied, served at once, no member restarted
        expect(restarts, phase).toEqual([]);
        expect(changedOf(r).filter((x) => x.endsWith('(the leaf of the new CA)'))).toHaveLength(3);
        expect(await mainPids(), phase).toEqual(pids);
        const leafFp = fingerprint(join(next, 'kubernetes.pem'));
        for (const [i, h] of names.entries())
          for (const port of [2379, 2380]) expect((await served(h, ips[i] as string, port)).fingerprint, `${h}:${port}`).toBe(leafFp);
      } else {
        expect(restarts, phase).toHaveLength(3);
        await oneAtATime(t0, leader);
      }
    }
    const again = await rot('finish', ['--check']);
    ok(again);
    expect(changedOf(again)).toEqual([]);

    // on the hosts: the chain verifies with the new CA alone, not with the old; a client of the old CA is refused
    await Promise.all(
      names.map((h) =>
        hostOutput(
          h,
          `cat > /tmp/tsplay-old-ca.pem <<'EOF'\n${readFileSync(join(cur.dir, 'ca.pem'), 'utf8')}EOF\ncat > /tmp/tsplay-old-leaf.pem <<'EOF'\n${readFileSync(join(cur.dir, 'kubernetes.pem'), 'utf8')}EOF`,
          { become: true },
        ),
      ),
    );
    const newFp = fingerprint(join(next, 'kubernetes.pem'));
    for (const [i, h] of names.entries()) {
      for (const port of [2379, 2380]) {
        expect((await served(h, ips[i] as string, port)).fingerprint, `${h}:${port}`).toBe(newFp);
        const verify = (ca: string) =>
          hostOutput(
            h,
            `openssl s_client -connect ${ips[i]}:${port} -verify_return_error -CAfile ${ca} -cert /etc/etcd/kubernetes.pem -key /etc/etcd/kubernetes-key.pem </dev/null >/dev/null 2>&1; echo rc=$?`,
            { become: true },
          );
        expect((await verify('/etc/etcd/ca.pem')).trim(), `${h}:${port} new CA`).toBe('rc=0');
        expect((await verify('/tmp/tsplay-old-ca.pem')).trim(), `${h}:${port} old CA`).not.toBe('rc=0');
      }
      const curl = (cert: string) =>
        hostOutput(
          h,
          `curl -s -o /dev/null -w '%{http_code}' --cacert /etc/etcd/ca.pem --cert ${cert} --key /etc/etcd/kubernetes-key.pem https://${ips[i]}:2379/health; echo " rc=$?"`,
          { become: true },
        );
      expect((await curl('/etc/etcd/kubernetes.pem')).trim(), h).toBe('200 rc=0');
      expect((await curl('/tmp/tsplay-old-leaf.pem')).trim(), h).not.toMatch(/^200/);
    }
    expect(await memberTable('controller-0')).toEqual(names.map((n) => `${n} started`));
    const phases = ['trust', 'leaf', 'finish'].map((x) => runs[x] as Both);
    const perPhase = (w: 'gateway' | 'etcdctl') => phases.map((b) => b[w].longestFailureRunS);
    recordResult('ca rotation', { ...merge(phases.map((b) => b.gateway)), perPhase: perPhase('gateway') });
    recordResult('ca rotation (etcdctl)', { ...merge(phases.map((b) => b.etcdctl)), perPhase: perPhase('etcdctl') });
    withinBounds(runs.leaf as Both, WRITE_BOUND_S.noTransfer);
    for (const b of [runs.trust, runs.finish] as Both[]) withinBounds(b, WRITE_BOUND_S);

    // back to the lab's CA and certificate (a rotation too), so etcd.ts with the lab's files finds nothing to do
    const back = pkiCopy();
    const now = [
      '-e',
      `etcdCaFile=${next}/ca.pem`,
      '-e',
      `etcdCertFile=${next}/kubernetes.pem`,
      '-e',
      `etcdKeyFile=${cur.dir}/kubernetes-key.pem`,
    ];
    for (const phase of ['trust', 'leaf', 'finish'])
      ok(await tsplay('etcd-rotate-ca.ts', inv(), [...now, '-e', `etcdNewCaFile=${back}/ca.pem`, '-e', `etcdCaPhase=${phase}`]));
  });

  test('after both rotations, etcd.ts with the lab files changes nothing and every member serves the lab certificate', async () => {
    const c = await tsplay('etcd.ts', inv(), ['--check', '--json']);
    ok(c);
    expect(changedOf(c)).toEqual([]);
    const lab = fingerprint(labPaths().cert);
    for (const [i, h] of names.entries()) expect((await served(h, ips[i] as string, 2379)).fingerprint, h).toBe(lab);
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fastPathCase } from '@tsplay/modules/kit';
import { etcdBootstrapGuard, guardArgs, judgeBootstrap, parsePeerProbe, peerProbeScript, recoverySteps } from './guard.js';

const command = (name: string) => execFileSync('sh', ['-c', `command -v ${name} || true`], { encoding: 'utf8' }).trim() !== '';

const args = guardArgs.parse({
  dataDir: '/var/lib/etcd',
  self: { name: 'controller-2', ip: '10.240.0.12' },
  peers: [
    { name: 'controller-0', ip: '10.240.0.10' },
    { name: 'controller-1', ip: '10.240.0.11' },
  ],
  caFile: '/etc/etcd/ca.pem',
  certFile: '/etc/etcd/kubernetes.pem',
  keyFile: '/etc/etcd/kubernetes-key.pem',
});

/** `/v3/cluster/member/list` of the gRPC gateway (recorded from etcd 3.4.23: IDs are strings), for a KTHW cluster. */
const list = (c2: 'started' | 'unstarted' | 'static' | 'absent') =>
  JSON.stringify({
    header: { cluster_id: '15875391935852295136', member_id: '17982242243123226016', raft_term: '2' },
    members: [
      {
        ID: '17982242243123226016',
        name: 'controller-0',
        peerURLs: ['https://10.240.0.10:2380'],
        clientURLs: ['https://10.240.0.10:2379'],
      },
      {
        ID: '18441420760320887477',
        name: 'controller-1',
        peerURLs: ['https://10.240.0.11:2380'],
        clientURLs: ['https://10.240.0.11:2379'],
      },
      ...(c2 === 'started'
        ? [
            {
              ID: '4203990652121993521',
              name: 'controller-2',
              peerURLs: ['https://10.240.0.12:2380'],
              clientURLs: ['https://10.240.0.12:2379'],
            },
          ]
        : c2 === 'unstarted'
          ? [{ ID: '4203990652121993521', peerURLs: ['https://10.240.0.12:2380'] }]
          : c2 === 'static'
            ? [{ ID: '4203990652121993521', name: 'controller-2', peerURLs: ['https://10.240.0.12:2380'] }]
            : []),
    ],
  });
const HEALTHY = '{"health":"true"}';
/** A peer's answers as one curl prints them (an answer, then `__tsplay_curl <status> <seconds>`; 000 where none came). */
const answers = (health: string, list: string) => [health, list].map((b) => `${b}\n__tsplay_curl ${b ? 200 : '000'} 0.001\n`).join('');
/** The probe's output from `peer\tIP\tHEALTH\tLIST` lines (a peer) and status lines (`data`, `nocert`, ...). */
const probe = (lines: string[]) =>
  parsePeerProbe(
    lines
      .map((l) => {
        if (!l.startsWith('peer\t')) return `${l}\n`;
        const [, ip = '', health = '', list = ''] = l.split('\t');
        return `__tsplay_peer ${ip}\n${answers(health, list)}`;
      })
      .join(''),
  );
const absent = { exists: false };

describe('bootstrap guard', () => {
  it('a member with its data restarts from it, whatever the cluster does', () => {
    expect(judgeBootstrap(args, { exists: true, type: 'dir' }, probe([])).safe).toBe(true);
    expect(judgeBootstrap(args, absent, probe(['data'])).safe).toBe(true);
  });

  it('fresh cluster: nobody answers (connection refused: empty output), so bootstrapping is safe', () => {
    expect(judgeBootstrap(args, absent, probe(['peer\t10.240.0.10\t\t', 'peer\t10.240.0.11\t\t']))).toMatchObject({
      safe: true,
      reason: expect.stringMatching(/bootstrapping a new cluster/),
    });
  });

  it('an initial member that never started may join late with state new', () => {
    const v = judgeBootstrap(args, absent, probe([`peer\t10.240.0.10\t${HEALTHY}\t${list('unstarted')}`, 'peer\t10.240.0.11\t\t']));
    expect(v).toMatchObject({ safe: true, reason: expect.stringMatching(/first time/) });
  });

  it('a static --initial-cluster member that never started (named, no client URLs: its peers started first) may join late', () => {
    const v = judgeBootstrap(
      args,
      absent,
      probe([`peer\t10.240.0.10\t${HEALTHY}\t${list('static')}`, `peer\t10.240.0.11\t${HEALTHY}\t${list('static')}`]),
    );
    expect(v).toMatchObject({ safe: true, reason: expect.stringMatching(/first time/) });
  });

  it('refuses a member that lost its data while the cluster runs and lists it started', () => {
    const v = judgeBootstrap(
      args,
      absent,
      probe([`peer\t10.240.0.10\t${HEALTHY}\t${list('started')}`, `peer\t10.240.0.11\t${HEALTHY}\t${list('started')}`]),
    );
    expect(v.safe).toBe(false);
    expect(v.reason).toContain('lists controller-2 (3a57933972cb5131) as started');
    expect(v.reason).toContain('10.240.0.10, 10.240.0.11');
  });

  it('refuses a member the running cluster has removed', () => {
    const v = judgeBootstrap(args, absent, probe([`peer\t10.240.0.10\t${HEALTHY}\t${list('absent')}`]));
    expect(v).toMatchObject({ safe: false, reason: expect.stringMatching(/running without controller-2/) });
  });

  it('with --initial-cluster-state existing (after member add) it lets the member join', () => {
    const v = judgeBootstrap({ ...args, clusterState: 'existing' }, absent, probe([`peer\t10.240.0.10\t${HEALTHY}\t${list('started')}`]));
    expect(v.safe).toBe(true);
  });

  it('peers that answer unhealthy (no quorum) do not count', () => {
    expect(judgeBootstrap(args, absent, probe([`peer\t10.240.0.10\t{"health":"false"}\t${list('started')}`])).safe).toBe(true);
  });

  it('the recovery steps name the member id, member add with the peer URL, and the existing state', () => {
    const s = recoverySteps(args, '3a57933972cb5131');
    expect(s).toContain('member remove 3a57933972cb5131');
    expect(s).toContain('member add controller-2 --peer-urls=https://10.240.0.12:2380');
    expect(s).toContain('--limit controller-2 -e etcdInitialClusterState=existing');
  });

  it('the probe asks peers only when the data dir is empty, with the certs, quoted', () => {
    const s = peerProbeScript({ ...args, caFile: '/etc/etcd/my ca.pem' });
    expect(s.startsWith('if [ -d /var/lib/etcd/member ]; then echo data;')).toBe(true);
    expect(s).toContain("--cacert '/etc/etcd/my ca.pem' --cert /etc/etcd/kubernetes.pem --key /etc/etcd/kubernetes-key.pem");
    expect(s).toContain('https://10.240.0.11:2379/health --next');
    expect(s).toContain("--data '{}' https://10.240.0.11:2379/v3/cluster/member/list");
    expect(s.match(/; curl /g)).toHaveLength(2); // one curl a peer
  });

  it('a host without its client certificate files asks no peer (no curl starts) and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-guard-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const calls = join(dir, 'calls');
    // answers every URL it is given as curl does with -w: the body, then the mark
    writeFileSync(
      join(bin, 'curl'),
      `#!/bin/sh\necho called >> '${calls}'\nfor a do case $a in https://*) printf '{"health":"true"}\\n__tsplay_curl 200 0.001\\n';; esac; done\n`,
    );
    chmodSync(join(bin, 'curl'), 0o755);
    const tls = { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem') };
    const script = peerProbeScript({ ...args, dataDir: join(dir, 'data'), ...tls });
    const run = () => execFileSync('sh', ['-c', script], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
    const calledTimes = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;

    writeFileSync(tls.caFile, 'ca');
    writeFileSync(tls.certFile, 'cert');
    const without = parsePeerProbe(run());
    expect(without).toMatchObject({ dataPresent: false, curl: true, certs: false, peers: [] });
    expect(() => readFileSync(calls)).toThrow();
    expect(judgeBootstrap(args, absent, without).reason).toContain('no readable client certificate files yet');

    writeFileSync(tls.keyFile, 'key');
    const withCerts = parsePeerProbe(run());
    expect(withCerts.certs).toBe(true);
    expect(withCerts.peers.map((p) => [p.ip, p.healthy])).toEqual([
      ['10.240.0.10', true],
      ['10.240.0.11', true],
    ]);
    expect(calledTimes()).toBe(2);
  });

  it("a member with its data is answered in the probe's own shell (no subshell); an empty data dir runs the script", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-guard-fast-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // certificate files that are not there: the script that runs for an empty data dir asks no peer
    const tls = { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem') };
    const peersFact = () =>
      (etcdBootstrapGuard.facts({ ...args, ...tls, dataDir: dir }, {} as never) as { peers: Parameters<typeof fastPathCase>[0] }).peers;
    const empty = fastPathCase(peersFact());
    expect(empty.answered).toBe(false);
    expect(empty.fast).toEqual({ stdout: '', stderr: '' });
    expect(empty.script.stdout).toBe(command('curl') ? 'nocert\n' : 'nocurl\n');
    mkdirSync(join(dir, 'member'));
    const data = fastPathCase(peersFact());
    expect(data.answered).toBe(true);
    expect(data.fast).toEqual({ stdout: 'data\n', stderr: '' });
    expect(data.script).toEqual({ code: 0, stdout: 'data\n', stderr: '' });
    expect(parsePeerProbe(data.fast.stdout).dataPresent).toBe(true);
  });
});

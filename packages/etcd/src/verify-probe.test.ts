import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksFor } from './testing/verify-args.js';
import { clusterProbeCommand, judgeClusterProbe, parseClusterProbe } from './verify-probe.js';

const { m, h } = checksFor(2);
// the gateway's member list as the lab's etcd 3.4 answers it (IDs quoted)
const LIST =
  '{"header":{"cluster_id":"4502693191618639397","member_id":"17982242243123226016","raft_term":"2"},"members":[' +
  '{"ID":"17982242243123226016","name":"controller-0","peerURLs":["https://10.240.0.10:2380"],"clientURLs":["https://10.240.0.10:2379"]},' +
  '{"ID":"18441420760320887477","name":"controller-1","peerURLs":["https://10.240.0.11:2380"],"clientURLs":["https://10.240.0.11:2379"]}]}';
const out = (health: string, hs = 200, list = LIST, ls = 200) =>
  `${health}\n__tsplay_curl ${hs} 0.013988\n${list}\n__tsplay_curl ${ls} 0.001724\n`;

describe("the verification's first try (one curl)", () => {
  it('asks /health and the member list with the certificates; both checks send the same command', () => {
    const c = clusterProbeCommand(m);
    expect(c).toMatch(/; then curl -sS --max-time 5 --cacert \/etc\/etcd\/ca\.pem .* https:\/\/127\.0\.0\.1:2379\/health --next -sS /);
    expect(c).toContain(`--key /etc/etcd/kubernetes-key.pem -w '\\n__tsplay_curl %{http_code} %{time_total}\\n'`);
    expect(c).toContain(`--data '{}' https://127.0.0.1:2379/v3/cluster/member/list`);
    expect(clusterProbeCommand(h)).toBe(c);
  });

  it('starts no curl without the certificate files: says which, exits 1 (sh and bash)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-verify-'));
    const files = ['ca.pem', 'c.pem', 'k.pem'].map((f) => join(dir, f));
    const a = { ...m, caFile: files[0] as string, certFile: files[1] as string, keyFile: files[2] as string };
    // a stub curl first on PATH: it prints what it was asked, so a run of it shows
    writeFileSync(join(dir, 'curl'), '#!/bin/sh\necho CURL-RAN "$@"\n', { mode: 0o755 });
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
    const run = (shell: string) => spawnSync(shell, ['-c', clusterProbeCommand(a)], { env, encoding: 'utf8' });
    for (const shell of ['sh', 'bash']) {
      const r = run(shell);
      expect([r.status, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toContain(
        `the client certificate files (${files.join(', ')}) are not all there and readable: nothing to ask https://127.0.0.1:2379 with`,
      );
    }
    for (const f of files.slice(0, 2)) writeFileSync(f, 'x');
    expect(run('sh').stdout).toBe('');
    writeFileSync(files[2] as string, 'x');
    expect(run('sh').stdout).toMatch(/^CURL-RAN -sS --max-time 5 --cacert \S+ca\.pem /);
  });

  it('splits the two answers at their status lines', () => {
    expect(parseClusterProbe(out('{"health":"true"}'))).toEqual({
      health: { body: '{"health":"true"}', status: 200, seconds: 0.013988 },
      members: { body: LIST, status: 200, seconds: 0.001724 },
    });
    expect(parseClusterProbe('{"health":"true"}\n__tsplay_curl 200 0.01\n')).toBeUndefined();
    expect(parseClusterProbe('')).toBeUndefined();
  });

  it("passes a healthy member and the inventory's members, with what it read", () => {
    const r = { code: 0, stdout: out('{"health":"true"}'), stderr: '' };
    expect(judgeClusterProbe(h, r)).toEqual({
      problems: [],
      result: { health: [{ endpoint: 'https://127.0.0.1:2379', health: true, took: '14.0ms' }] },
    });
    const j = judgeClusterProbe(m, r);
    expect(j.problems).toEqual([]);
    expect(j.result.members?.map((x) => [x.id, x.name, x.status])).toEqual([
      ['f98dc20bce6225a0', 'controller-0', 'started'],
      ['ffed16798470cab5', 'controller-1', 'started'],
    ]);
  });

  it('names every problem: unhealthy, a member missing, an error answer, no answer', () => {
    expect(judgeClusterProbe(h, { code: 0, stdout: out('{"health":"false","reason":"ALARM NOSPACE"}', 503), stderr: '' }).problems).toEqual(
      ['https://127.0.0.1:2379 is unhealthy: ALARM NOSPACE'],
    );
    expect(judgeClusterProbe(h, { code: 0, stdout: out('{"health":"false"}', 503), stderr: '' }).problems).toEqual([
      'https://127.0.0.1:2379 is unhealthy: HTTP 503',
    ]);
    expect(judgeClusterProbe(h, { code: 0, stdout: out('Service Unavailable', 503), stderr: '' }).problems).toEqual([
      'https://127.0.0.1:2379 is unhealthy: HTTP 503: Service Unavailable',
    ]);
    const one = LIST.replace(/,\{"ID":"18441420760320887477"[^}]*\}/, '');
    expect(judgeClusterProbe(m, { code: 0, stdout: out('{"health":"true"}', 200, one), stderr: '' }).problems).toEqual([
      'controller-1 is not a member of the cluster',
    ]);
    expect(judgeClusterProbe(m, { code: 0, stdout: out('{"health":"true"}', 200, '{"error":"x"}', 401), stderr: '' }).problems).toEqual([
      'the member list answered HTTP 401',
    ]);
    expect(
      judgeClusterProbe(m, {
        code: 7,
        stdout: '\n__tsplay_curl 000 0.0002\n\n__tsplay_curl 000 0.0001\n',
        stderr: 'curl: (7) Failed to connect\n',
      }).problems,
    ).toEqual(['could not ask https://127.0.0.1:2379: curl: (7) Failed to connect']);
    expect(judgeClusterProbe(h, { code: 127, stdout: '', stderr: '' }).problems).toEqual([
      'could not ask https://127.0.0.1:2379: exit 127',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { checksFor } from './testing/verify-args.js';
import { etcdctlCommand, etcdVerify, judgeVerify } from './verify.js';
import { clusterProbeCommand } from './verify-probe.js';

const { m, h } = checksFor(3);
const LIST =
  '{"header":{"cluster_id":14371804100607780834,"member_id":17982242243123226016,"raft_term":2},"members":[' +
  '{"ID":4203990652121993521,"name":"controller-2","peerURLs":["https://10.240.0.12:2380"],"clientURLs":["https://10.240.0.12:2379"]},' +
  '{"ID":17982242243123226016,"name":"controller-0","peerURLs":["https://10.240.0.10:2380"],"clientURLs":["https://10.240.0.10:2379"]},' +
  '{"ID":18441420760320887477,"name":"controller-1","peerURLs":["https://10.240.0.11:2380"],"clientURLs":["https://10.240.0.11:2379"]}]}\n';

describe('verification', () => {
  it("runs the seed's etcdctl command with JSON output", () => {
    expect(etcdctlCommand(m)).toBe(
      '/usr/local/bin/etcdctl member list --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem --command-timeout=5s -w json',
    );
    expect(etcdctlCommand(h)).toContain('/usr/local/bin/etcdctl endpoint health --endpoints=https://127.0.0.1:2379');
  });

  it('passes for the cluster the inventory describes', () => {
    const j = judgeVerify(m, { code: 0, stdout: LIST, stderr: '' });
    expect(j.problems).toEqual([]);
    expect(j.result.members).toHaveLength(3);
    expect(
      judgeVerify(h, { code: 0, stdout: '[{"endpoint":"https://127.0.0.1:2379","health":true,"took":"9.1ms"}]\n', stderr: '' }).problems,
    ).toEqual([]);
  });

  it('names what is wrong', () => {
    expect(judgeVerify(m, { code: 0, stdout: LIST.replace(/,\{"ID":18441420760320887477[^}]*\}/, ''), stderr: '' }).problems).toEqual([
      'controller-1 is not a member of the cluster',
    ]);
    expect(
      judgeVerify(m, {
        code: 1,
        stdout: '',
        stderr: '{"level":"warn","msg":"retrying of unary invoker failed"}\nError: context deadline exceeded\n',
      }).problems,
    ).toEqual(['etcdctl member list failed: Error: context deadline exceeded']);
    expect(
      judgeVerify(h, {
        code: 1,
        stdout: '[{"endpoint":"https://127.0.0.1:2379","health":false,"took":"5.0s","error":"context deadline exceeded"}]\n',
        stderr: 'Error: unhealthy cluster\n',
      }).problems,
    ).toEqual(['https://127.0.0.1:2379 is unhealthy: context deadline exceeded']);
    expect(judgeVerify(h, { code: 127, stdout: '', stderr: 'sh: 1: /usr/local/bin/etcdctl: not found\n' }).problems).toEqual([
      'etcdctl failed: sh: 1: /usr/local/bin/etcdctl: not found',
    ]);
  });
});

describe('verification as a fact of the batched probe', () => {
  const ctx = { host: 'controller-0', check: false, become: true };
  const answer = (health: string, list: string, status = 200) =>
    `${health}\n__tsplay_curl ${status} 0.013988\n${list.trim()}\n__tsplay_curl 200 0.001724\n`;
  const GATEWAY = LIST.replace(/(":)(\d{6,})/g, '$1"$2"');

  it('its first try is one curl fact (as root) that both checks share; a passing answer needs no apply', () => {
    const f = etcdVerify.facts(m, ctx).first;
    expect(f.script).toContain(clusterProbeCommand(m));
    expect(f.script).not.toContain('etcdctl');
    expect(etcdVerify.facts(h, ctx).first.key).toBe(f.key);
    const first = { code: 0, stdout: answer('{"health":"true"}', GATEWAY), stderr: '' };
    const plan = etcdVerify.plan({ first }, m, ctx);
    expect(plan).toMatchObject({ changed: false, stdout: '3 members started', data: { attempts: 1 } });
    expect(plan.run).toBeUndefined();
    expect(etcdVerify.resultFromPlan?.(plan, m)).toMatchObject({
      members: [{ name: 'controller-2' }, { name: 'controller-0' }, { name: 'controller-1' }],
    });
    expect(etcdVerify.plan({ first }, h, ctx)).toMatchObject({ stdout: 'https://127.0.0.1:2379 healthy', data: { attempts: 1 } });
  });

  it('a problem on the first try (a cluster still forming, no curl) goes to apply, which asks etcdctl with retries', () => {
    const forming = {
      code: 7,
      stdout: '\n__tsplay_curl 000 0.000211\n\n__tsplay_curl 000 0.000102\n',
      stderr: 'curl: (7) Failed to connect\n',
    };
    for (const first of [
      forming,
      { code: 127, stdout: '', stderr: 'sh: 1: curl: not found\n' },
      { code: 0, stdout: answer('{"health":"false","reason":"ALARM NOSPACE"}', GATEWAY, 503), stderr: '' },
    ])
      for (const a of [m, h]) {
        const plan = etcdVerify.plan({ first }, a, ctx);
        if (a === m && first.code === 0) continue; // the member list itself is fine while /health is not
        expect(plan, `${a.check} ${first.stderr}${first.stdout}`).toMatchObject({ changed: false, run: true });
        expect(plan.data).toBeUndefined();
      }
    const missing = {
      code: 0,
      stdout: answer('{"health":"true"}', GATEWAY.replace(/,\{"ID":"18441420760320887477"[^}]*\}/, '')),
      stderr: '',
    };
    expect(etcdVerify.plan({ first: missing }, m, ctx)).toMatchObject({ run: true });
  });
});

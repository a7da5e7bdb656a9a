import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { clusterProbeScript, etcdctl, parseClusterProbe } from './probe.js';
import { judgeHealthy } from './checks.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const probe = (parts: Record<string, [string, number]>) =>
  Object.entries(parts)
    .map(([k, [t, rc]]) => `@@${k}\n${t}\n@@rc ${rc}\n`)
    .join('');

describe('cluster probe', () => {
  test('the script quotes every argument and says absent without etcdctl', () => {
    const s = clusterProbeScript({ ...tls, endpoints: ['https://10.240.0.10:2379', 'https://10.240.0.11:2379'] });
    expect(s).toContain('--endpoints=https://10.240.0.10:2379,https://10.240.0.11:2379');
    expect(s.split('\n')[0]).toContain('echo absent');
    expect(etcdctl({ ...tls, endpoints: ["https://x'y:2379"] }, ['get', 'a b'])).toContain(`'--endpoints=https://x'\\''y:2379'`);
    expect(parseClusterProbe('absent\n')).toEqual({ absent: true });
  });

  test('real outputs of a healthy cluster parse into a view that judgeHealthy accepts', () => {
    const r = parseClusterProbe(
      probe({
        members: [fx('member-list-3.4.json'), 0],
        health: [fx('endpoint-health-3.4.json'), 0],
        status: [fx('endpoint-status-3.4.json'), 0],
        alarms: [fx('alarm-list-none.json'), 0],
      }),
    );
    if (r.absent) throw new Error('absent');
    expect(r.problems).toEqual([]);
    expect(r.view.members.map((m) => m.name).sort()).toEqual(['controller-0', 'controller-1', 'controller-2']);
    expect(judgeHealthy(r.view)).toBeUndefined();
  });

  test('one endpoint down: problems name it and the view is unhealthy', () => {
    const r = parseClusterProbe(
      probe({
        members: [fx('member-list-3.4.json'), 0],
        health: [fx('endpoint-health-one-down.txt'), 1],
        status: [fx('endpoint-status-one-down.txt'), 1],
        alarms: [fx('member-add-unhealthy.txt'), 1],
      }),
    );
    if (r.absent) throw new Error('absent');
    expect(r.problems).toContain('https://10.240.0.19:2379: context deadline exceeded');
    expect(r.problems.some((p) => p.startsWith('alarms: not an alarm list'))).toBe(true);
    expect(judgeHealthy(r.view)?.code).toBe('ETCD_UNHEALTHY');
  });
});

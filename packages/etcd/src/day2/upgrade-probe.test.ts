import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { memberProbeScript, parseMemberProbe, versionCurl } from './upgrade-probe.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const members = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
const target = { ...tls, self: members[1] ?? { name: '', ip: '' }, members, etcdctl: '/usr/local/bin/etcdctl' };

describe('the member probe', () => {
  test('asks the member itself for /version and health, and every member for status', () => {
    const s = memberProbeScript(target);
    expect(s).toContain('https://10.240.0.11:2379/version');
    expect(s).toContain('--endpoints=https://10.240.0.11:2379 ');
    expect(s).toContain('--endpoints=https://10.240.0.10:2379,https://10.240.0.11:2379,https://10.240.0.12:2379');
    expect(versionCurl(tls, '10.240.0.11')).toBe(
      'curl -s --max-time 2 --cacert /etc/etcd/ca.pem --cert /etc/etcd/kubernetes.pem --key /etc/etcd/kubernetes-key.pem https://10.240.0.11:2379/version',
    );
  });

  test('parses a member that is back (real outputs)', () => {
    const out = `@@unit\nActiveState=active\nSubState=running\nNRestarts=0\nExecMainStatus=0\n@@version\n${fx('version-3.4.json')}\n@@health\n${fx('endpoint-health-3.4.json')}\n@@status\n${fx('endpoint-status-3.4.json')}\n`;
    const p = parseMemberProbe(out);
    expect(p).toMatchObject({ unit: { active: 'active', sub: 'running', restarts: 0 }, server: '3.4.23', healthy: true });
    expect(p.status).toHaveLength(3);
  });

  test('a member that is down: empty parts, not healthy, no version', () => {
    expect(memberProbeScript(target)).toContain('*SubState=auto-restart*|*ActiveState=failed*) exit 0');
    const out = `@@unit\nActiveState=activating\nSubState=auto-restart\nNRestarts=1\nExecMainStatus=1\n@@version\n\n@@health\n{"level":"warn","msg":"retrying"}\n[{"endpoint":"https://10.240.0.11:2379","health":false,"took":"5s","error":"context deadline exceeded"}]\n@@status\n${fx('endpoint-status-one-down.txt')}`;
    const p = parseMemberProbe(out);
    expect(p).toMatchObject({ unit: { sub: 'auto-restart', restarts: 1, exitStatus: 1 }, server: '', healthy: false });
  });
});

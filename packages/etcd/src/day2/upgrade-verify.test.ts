import { describe, expect, test } from 'vitest';
import { etcdUpgradeSettled, parseSettled, settledScript, unsettled, upgradeSettledArgs } from './upgrade-verify.js';

const a = upgradeSettledArgs.parse({
  members: [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` })),
  version: '3.5.16',
  caFile: '/etc/etcd/ca.pem',
  certFile: '/etc/etcd/kubernetes.pem',
  keyFile: '/etc/etcd/kubernetes-key.pem',
});
const line = (i: number, server: string, cluster: string) => `@@controller-${i} {"etcdserver":"${server}","etcdcluster":"${cluster}"}`;

describe('etcd-upgrade-settled', () => {
  test('asks every member for /version', () => {
    const s = settledScript(a);
    for (const i of [0, 1, 2]) expect(s).toContain(`https://10.240.0.1${i}:2379/version`);
  });

  test('settled only when every member runs the target and the cluster version is its minor', () => {
    const done = parseSettled([0, 1, 2].map((i) => line(i, '3.5.16', '3.5.0')).join('\n'));
    expect(unsettled(done, a)).toBe('');
    const raising = parseSettled([0, 1, 2].map((i) => line(i, '3.5.16', '3.4.0')).join('\n'));
    expect(unsettled(raising, a)).toContain('controller-0: etcdserver 3.5.16, etcdcluster 3.4.0');
    const silent = parseSettled(`${line(0, '3.5.16', '3.5.0')}\n@@controller-1 \n`);
    expect(unsettled(silent, a)).toBe('controller-1: etcdserver ?, etcdcluster ?; controller-2: etcdserver ?, etcdcluster ?');
  });

  test('never changed: a real run waits (run), check mode only reports', () => {
    const raising = { versions: parseSettled([0, 1, 2].map((i) => line(i, '3.5.16', '3.4.0')).join('\n')) };
    expect(etcdUpgradeSettled.plan(raising, a, { host: 'controller-0', check: false, become: true })).toMatchObject({
      changed: false,
      run: true,
    });
    expect(etcdUpgradeSettled.plan(raising, a, { host: 'controller-0', check: true, become: true })).toMatchObject({
      changed: false,
      run: false,
      summary: expect.stringContaining('would wait'),
    });
  });
});

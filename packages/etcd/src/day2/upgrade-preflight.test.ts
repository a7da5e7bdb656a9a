import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseClusterProbe } from './probe.js';
import { etcdUpgradePreflight, snapshotName, snapshotScript, upgradePreflightArgs, upgradeSnapshotArgs } from './upgrade-preflight.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const target = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
/** The probe script's output on the real 3.4.23 lab cluster. */
const out = ['members', 'health', 'status', 'alarms']
  .map((s, i) => `@@${s}\n${fx(['member-list-3.4.json', 'endpoint-health-3.4.json', 'endpoint-status-3.4.json', 'alarm-list-none.json'][i] ?? '')}\n@@rc 0`)
  .join('\n');
const ctx = { host: 'controller-0', check: true, become: true };
const plan = (version: string) => etcdUpgradePreflight.plan({ probe: parseClusterProbe(out) }, upgradePreflightArgs.parse({ target, version, ...tls }), ctx);

describe('etcd-upgrade-preflight', () => {
  test('a 3.4 cluster to 3.5.16: changes nothing, says the order, hands the verdict on', () => {
    const p = plan('3.5.16');
    expect(p).toMatchObject({ changed: false, summary: 'upgrade 3.4.23 -> 3.5.16, one member at a time: controller-1, controller-2, controller-0 (leader controller-0 last)' });
    expect(etcdUpgradePreflight.resultFromPlan?.(p, upgradePreflightArgs.parse({ target, version: '3.5.16', ...tls }))).toMatchObject({ leaderIp: '10.240.0.10' });
  });

  test('refusals are coded errors from the plan (before any host changes, in check mode too)', () => {
    expect(() => plan('3.4.22')).toThrow(expect.objectContaining({ code: 'ETCD_DOWNGRADE', host: 'controller-0' }));
    expect(() => plan('3.6.0')).toThrow(expect.objectContaining({ code: 'ETCD_SKIP_MINOR' }));
  });
});

describe('etcd-upgrade-snapshot', () => {
  test('the name is the UTC time; the script saves to .part and checks it with snapshot status', () => {
    expect(snapshotName(new Date('2025-03-04T05:06:07.891Z'))).toBe('pre-upgrade-20250304T050607Z.db');
    const s = snapshotScript(upgradeSnapshotArgs.parse(tls), '/var/backups/etcd/pre-upgrade-x.db');
    expect(s).toContain('ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem');
    expect(s).toContain('snapshot save /var/backups/etcd/pre-upgrade-x.db.part');
    expect(s).toContain('ETCDCTL_API=3 /usr/local/bin/etcdctl snapshot status /var/backups/etcd/pre-upgrade-x.db.part -w json');
    expect(s).toMatch(/^set -e\numask 077\nmkdir -p \/var\/backups\/etcd && chmod 0700/);
  });
});

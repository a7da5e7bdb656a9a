import { describe, expect, test } from 'vitest';
import { checksumOf } from '../vars.js';
import { EtcdUpgradeVars } from './upgrade-vars.js';
import { etcdUpgradeKeep, keepStateScript, parseKeepState, upgradeKeepArgs } from './upgrade-keep.js';

const args = upgradeKeepArgs.parse({ version: '3.5.16' });
const ctx = { host: 'controller-1', check: false, become: true };
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('etcd-upgrade-keep', () => {
  test('the script reads the version and both hashes of etcd and etcdctl, changing nothing', () => {
    const s = keepStateScript(args);
    expect(s).toContain('/usr/local/bin/etcd --version');
    expect(s).toContain('[ -f /usr/local/bin/etcdctl.prev ] && sha256sum < /usr/local/bin/etcdctl.prev');
    expect(s).not.toMatch(/\b(cp|mv|rm)\b/);
  });

  test('parse: stale when a .prev is missing or differs', () => {
    const out = `@@installed etcd Version: 3.4.23\n@@sum etcd ${A} ${A}\n@@sum etcdctl ${A} \n`;
    expect(parseKeepState(out)).toEqual({ installed: '3.4.23', stale: ['etcdctl'] });
    expect(parseKeepState(`@@installed \n@@sum etcd  \n`)).toEqual({ installed: '', stale: ['etcd'] });
    expect(parseKeepState(`@@installed etcd Version: 3.4.23\n@@sum etcd ${A} ${B}\n@@sum etcdctl ${B} ${B}\n`).stale).toEqual(['etcd']);
  });

  test('plan: keeps the old release once; unchanged on the target or when already kept; nothing runnable is refused', () => {
    const plan = (out: string) => etcdUpgradeKeep.plan({ state: parseKeepState(out) }, args, ctx);
    expect(plan(`@@installed etcd Version: 3.4.23\n@@sum etcd ${A} \n@@sum etcdctl ${B} \n`)).toMatchObject({
      changed: true,
      summary: expect.stringContaining('/usr/local/bin/etcd.prev, /usr/local/bin/etcdctl.prev'),
    });
    expect(plan(`@@installed etcd Version: 3.4.23\n@@sum etcd ${A} ${A}\n@@sum etcdctl ${B} ${B}\n`)).toMatchObject({ changed: false });
    expect(plan(`@@installed etcd Version: 3.5.16\n@@sum etcd ${A} ${B}\n@@sum etcdctl ${B} \n`)).toMatchObject({ changed: false });
    expect(() => plan(`@@installed \n@@sum etcd ${A} \n`)).toThrow(expect.objectContaining({ code: 'ETCD_UPGRADE_FAILED' }));
  });
});

describe('EtcdUpgradeVars', () => {
  test("the download checksum is the target release's etcdChecksums entry, else etcdChecksum (checksumOf, as the role reads it)", () => {
    const base = { etcdChecksum: `sha256:${A}`, etcdChecksums: { '3.4.23': `sha256:${A}`, '3.5.16': `sha256:${B}` } };
    expect(checksumOf(EtcdUpgradeVars.parse({ ...base, etcdVersion: '3.5.16' }))).toBe(`sha256:${B}`);
    expect(checksumOf(EtcdUpgradeVars.parse({ ...base, etcdVersion: '3.5.17' }))).toBe(`sha256:${A}`);
    expect(checksumOf(EtcdUpgradeVars.parse({ etcdVersion: '3.5.16' }))).toBe(
      'sha256:https://github.com/etcd-io/etcd/releases/download/v3.5.16/SHA256SUMS',
    );
    expect(EtcdUpgradeVars.parse({ etcdUpgradeBudgetS: '30' }).etcdUpgradeBudgetS).toBe(30);
    expect(EtcdUpgradeVars.safeParse({ etcdUpgradeBudgetS: 0 }).success).toBe(false);
  });
});

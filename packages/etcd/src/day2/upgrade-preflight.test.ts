import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseBackupOutput } from './backup-script.js';
import { parseClusterProbe } from './probe.js';
import { etcdUpgradePreflight, snapshotName, snapshotScript, upgradePreflightArgs, upgradeSnapshotArgs } from './upgrade-preflight.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const target = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
/** The probe script's output on the real 3.4.23 lab cluster. */
const out = ['members', 'health', 'status', 'alarms']
  .map(
    (s, i) =>
      `@@${s}\n${fx(['member-list-3.4.json', 'endpoint-health-3.4.json', 'endpoint-status-3.4.json', 'alarm-list-none.json'][i] ?? '')}\n@@rc 0`,
  )
  .join('\n');
const ctx = { host: 'controller-0', check: true, become: true };
const plan = (version: string) =>
  etcdUpgradePreflight.plan({ probe: parseClusterProbe(out) }, upgradePreflightArgs.parse({ target, version, ...tls }), ctx);

describe('etcd-upgrade-preflight', () => {
  test('a 3.4 cluster to 3.5.16: changes nothing, says the order, hands the verdict on', () => {
    const p = plan('3.5.16');
    expect(p).toMatchObject({
      changed: false,
      summary: 'upgrade 3.4.23 -> 3.5.16, one member at a time: controller-1, controller-2, controller-0 (leader controller-0 last)',
    });
    expect(etcdUpgradePreflight.resultFromPlan?.(p, upgradePreflightArgs.parse({ target, version: '3.5.16', ...tls }))).toMatchObject({
      leaderIp: '10.240.0.10',
    });
  });

  test('refusals are coded errors from the plan (before any host changes, in check mode too)', () => {
    expect(() => plan('3.4.22')).toThrow(expect.objectContaining({ code: 'ETCD_DOWNGRADE', host: 'controller-0' }));
    expect(() => plan('3.6.0')).toThrow(expect.objectContaining({ code: 'ETCD_SKIP_MINOR' }));
  });
});

/**
 * The script's own steps (name, hidden temp, verify before the rename) run by /bin/sh in a temp dir, with a
 * stand-in etcdctl that writes the file it is told to save and prints a recorded `snapshot status`. What
 * real etcd does with it is e2e/etcd-day2/upgrade.test.ts's claim (etcdctl's own snapshot status there).
 */
function runSnapshot(status: string, name = 'pre-upgrade-20250304T050607Z.db') {
  const bin = mkdtempSync(join(tmpdir(), 'tsplay-etcdctl-'));
  const dir = join(mkdtempSync(join(tmpdir(), 'tsplay-snap-')), 'etcd');
  writeFileSync(join(bin, 'status'), status);
  const fake = `#!/bin/sh\nfor a; do last=$a; done\ncase "$*" in *'snapshot save '*) printf db > "$last" ;; *'snapshot status '*) cat ${join(bin, 'status')} ;; esac\n`;
  writeFileSync(join(bin, 'etcdctl'), fake, { mode: 0o755 });
  const script = snapshotScript(
    upgradeSnapshotArgs.parse({ ...tls, dir, etcdctl: join(bin, 'etcdctl'), etcdutl: join(bin, 'none') }),
    name,
  );
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  return { script, dir, code: r.status, out: r.stdout, err: r.stderr, files: () => readdirSync(dir).sort() };
}

describe('etcd-upgrade-snapshot', () => {
  test("the name is the UTC time; the script is the backup's: the wanted name, the upgrade's timeout, no pruning", () => {
    expect(snapshotName(new Date('2025-03-04T05:06:07.891Z'))).toBe('pre-upgrade-20250304T050607Z.db');
    const s = snapshotScript(upgradeSnapshotArgs.parse(tls), 'pre-upgrade-x.db');
    expect(s).toContain('ctl() { ETCDCTL_API=3 /usr/local/bin/etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem');
    expect(s).toContain('--command-timeout=300s');
    expect(s).toContain('\n  name=pre-upgrade-x.db\n');
    expect(s).toMatch(/\ndir=\/var\/backups\/etcd\n/);
    expect(s).not.toMatch(/@@pruned|not the leader/);
  });

  test('a verified snapshot is named pre-upgrade-<time>.db (0600 in a 0700 dir), no temp left', () => {
    const r = runSnapshot(fx('snapshot-status-3.4.json'));
    expect(r.code, r.err).toBe(0);
    expect(parseBackupOutput(r.out)).toEqual({
      saved: `${r.dir}/pre-upgrade-20250304T050607Z.db`,
      status: { hash: 1837441948, revision: 0, totalKey: 5, totalSize: 20480 },
      pruned: [],
    });
    expect(r.files()).toEqual(['pre-upgrade-20250304T050607Z.db']);
    expect(statSync(r.dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(r.dir, 'pre-upgrade-20250304T050607Z.db')).mode & 0o777).toBe(0o600);
  });

  test('a status without a hash, a zero hash or size, or no etcdctl: non-zero, nothing named, no temp left', () => {
    for (const st of [
      'Error: snapshot file has wrong size',
      '{"hash":0,"revision":0,"totalKey":5,"totalSize":20480}',
      '{"hash":1837441948,"revision":0,"totalKey":0,"totalSize":0}',
    ]) {
      const r = runSnapshot(st);
      expect(r.code, st).not.toBe(0);
      expect(r.files(), st).toEqual([]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-snap-'));
    const none = snapshotScript(upgradeSnapshotArgs.parse({ ...tls, dir, etcdctl: join(dir, 'no-etcdctl') }), 'pre-upgrade-x.db');
    expect(spawnSync('/bin/sh', ['-c', none]).status).not.toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a name that is not one plain .db file name is refused', () => {
    for (const bad of ['../x.db', '.hidden.db', 'a/b.db', 'x.txt', '']) {
      expect(() => snapshotScript(upgradeSnapshotArgs.parse(tls), bad), bad).toThrow(
        expect.objectContaining({ code: 'ARGS_INVALID', field: 'name' }),
      );
    }
  });
});

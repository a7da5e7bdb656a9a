/**
 * The first play of etcd-upgrade.ts.
 * - `etcd-upgrade-preflight` (read-only, every member): probes the cluster and judges the upgrade
 *   (judgeUpgradeRun); a refusal (ETCD_DOWNGRADE, ETCD_SKIP_MINOR, ETCD_UNHEALTHY, ETCD_ALARM,
 *   ETCD_LEARNER_PENDING, ETCD_UNKNOWN_MEMBER) is thrown from the plan, so no host is changed, in check
 *   mode too. Its result says who leads and which members are left, followers first.
 * - `etcd-upgrade-snapshot` (on the leader): the backup's snapshot script (backup-script.ts) saves
 *   `<dir>/pre-upgrade-<UTC time>.db`: a hidden temp checked with `snapshot status`, fsynced, then renamed
 *   (a file that fails the check is removed and the run stops with ETCD_SNAPSHOT_INVALID). Kept after the
 *   run; the backup's prune never touches it. Check mode predicts it and takes none.
 */
import { defineModule, type ApplyContext } from '@tsplay/core';
import { z } from 'zod';
import { endpointArg, etcdctlArg, memberArg, tlsArgs } from '../schemas.js';
import { clusterProbeFact } from './probe.js';
import { unlessRefused } from './errors.js';
import { backupScript } from './backup-script.js';
import { saveSnapshot, snapshotArgs } from './backup.js';
import type { SnapshotStatus } from './status.js';
import { judgeUpgradeRun, type UpgradeRun } from './upgrade-judge.js';

const tls = tlsArgs;

export const upgradePreflightArgs = z.object({
  /** The members (the inventory group). */
  target: z.array(memberArg).min(1),
  /** The release to go to. */
  version: z.string().min(1),
  ...endpointArg,
  ...etcdctlArg,
  ...tls,
});
export type UpgradePreflightArgs = z.output<typeof upgradePreflightArgs>;

const nameOf = (a: UpgradePreflightArgs, ip: string) => a.target.find((t) => t.ip === ip)?.name ?? ip;

export const etcdUpgradePreflight = defineModule({
  name: 'etcd-upgrade-preflight',
  args: upgradePreflightArgs,
  facts: (a) => ({ probe: clusterProbeFact(a) }),
  plan: (f, a, ctx) => {
    const r = unlessRefused(judgeUpgradeRun(f.probe, a.target, a.version), ctx.host);
    const order = r.todo.map((ip) => nameOf(a, ip)).join(', ');
    const summary =
      r.todo.length === 0
        ? `every member runs ${r.to}: nothing to upgrade`
        : `upgrade ${r.from} -> ${r.to}, one member at a time: ${order} (leader ${nameOf(a, r.leaderIp)} last)`;
    return { changed: false, summary, data: r };
  },
  resultFromPlan: (p): UpgradeRun | undefined => p.data,
});

export const upgradeSnapshotArgs = snapshotArgs.extend({
  /** etcdctl's --command-timeout for the save, in seconds. */
  timeoutS: z.number().int().positive().default(300),
});
export type UpgradeSnapshotArgs = z.output<typeof upgradeSnapshotArgs>;

export interface UpgradeSnapshot extends SnapshotStatus {
  path: string;
}

/** `pre-upgrade-20250101T120000Z.db` */
export const snapshotName = (at: Date): string => `pre-upgrade-${at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z')}.db`;

/** The save script: the backup's (backup-script.ts: hidden temp, `snapshot status`, fsync, rename, fsync the dir) under `name`, no pruning. */
export function snapshotScript(a: UpgradeSnapshotArgs, name: string): string {
  return backupScript({ ...a, name });
}

async function takeSnapshot(ctx: ApplyContext, a: UpgradeSnapshotArgs) {
  const name = snapshotName(new Date());
  const fail = {
    what: 'the pre-upgrade snapshot failed its check',
    hint: 'no member was upgraded; check free space in the backup dir and etcdctl snapshot save by hand',
  };
  const { path, status } = await saveSnapshot(ctx, snapshotScript(a, name), fail, (a.timeoutS + 30) * 1000);
  const data: UpgradeSnapshot = { path, ...status };
  return {
    changed: true,
    data,
    stdout: `snapshot ${path}: ${status.totalKey} keys, ${status.totalSize} bytes, revision ${status.revision}, hash ${status.hash}`,
  };
}

export const etcdUpgradeSnapshot = defineModule({
  name: 'etcd-upgrade-snapshot',
  args: upgradeSnapshotArgs,
  facts: () => ({}),
  plan: (_f, a) => ({
    changed: true,
    summary: `would save a snapshot of this member (the leader) as ${a.dir}/pre-upgrade-<UTC time>.db and check it with snapshot status`,
  }),
  apply: (ctx, a) => takeSnapshot(ctx, a),
});

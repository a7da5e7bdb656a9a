/**
 * `etcd-restore-member`: etcd's disaster recovery on one member (https://etcd.io/docs/v3.5/op-guide/recovery/):
 * stop etcd, move the data dir aside to `<dataDir>.pre-restore-<UTC time>` (kept, never deleted), then
 * `snapshot restore` (etcdutl when installed, else 3.4's etcdctl) of the same snapshot as every other
 * member, with this member's `--name` and peer URL, `--initial-cluster` of all members and a NEW
 * `--initial-cluster-token`, into the data dir (mode 0700). The playbook then writes the unit with that
 * token and starts every member at once. A restore is always a change; in check mode it is predicted only.
 */
import { defineModule, sh, TsplayError } from '@tsplay/core';
import { z } from 'zod';
import { etcdctlArg, hostPath, memberArg, word } from '../schemas.js';
import { initialCluster, peerUrl, type EtcdMember } from '../unit.js';
import { lastError } from './steps.js';

export const restoreArgs = z.object({
  self: memberArg,
  members: z.array(memberArg).min(1),
  /** The snapshot on this host. */
  snapshot: hostPath('snapshot'),
  token: word('token'),
  dataDir: hostPath('dataDir'),
  /** Suffix of the archived data dir (one per run, the same on every member). */
  stamp: z.string().regex(/^[0-9TZ]+$/),
  ...etcdctlArg,
  etcdutl: hostPath('etcdutl').default('/usr/local/bin/etcdutl'),
});
export type RestoreArgs = z.output<typeof restoreArgs>;

/** Pure: the `snapshot restore` flags (etcd's recovery guide, per member). */
export function restoreFlags(a: Pick<RestoreArgs, 'self' | 'members' | 'token' | 'dataDir'>): string[] {
  return [
    `--name=${a.self.name}`,
    `--initial-cluster=${initialCluster(a.members as EtcdMember[])}`,
    `--initial-cluster-token=${a.token}`,
    `--initial-advertise-peer-urls=${peerUrl(a.self.ip)}`,
    `--data-dir=${a.dataDir}`,
  ];
}

export const archiveOf = (a: Pick<RestoreArgs, 'dataDir' | 'stamp'>): string => `${a.dataDir}.pre-restore-${a.stamp}`;

/** The script (as root). Exit 3: etcd would not stop; 4: the data dir could not be moved aside. */
export function restoreScript(a: RestoreArgs): string {
  const flags = restoreFlags(a);
  return [
    'set -u',
    'systemctl stop etcd 2>/dev/null',
    `if systemctl is-active --quiet etcd; then echo 'etcd is still active' >&2; exit 3; fi`,
    sh`if [ -e ${a.dataDir} ]; then mv ${a.dataDir} ${archiveOf(a)} || exit 4; fi`,
    sh`if [ -x ${a.etcdutl} ]; then ${a.etcdutl} snapshot restore ${a.snapshot} ${flags}; else ETCDCTL_API=3 ${a.etcdctl} snapshot restore ${a.snapshot} ${flags}; fi || exit 5`,
    sh`chmod 700 ${a.dataDir} && sync`,
  ].join('\n');
}

const CODES: Record<number, string> = { 3: 'etcd did not stop', 4: 'the data dir could not be moved aside', 5: 'snapshot restore failed' };

export const etcdRestoreMember = defineModule({
  name: 'etcd-restore-member',
  args: restoreArgs,
  facts: () => ({}),
  plan: (_f, a) => ({
    changed: true,
    summary: `would stop etcd, keep ${a.dataDir} as ${archiveOf(a)}, restore ${a.snapshot} as ${a.self.name} with token ${a.token} (${a.members.length} members)`,
    predict: { unknown: [a.dataDir, archiveOf(a)], units: { 'etcd.service': { active: 'inactive', sub: 'dead' } } },
  }),
  apply: async (ctx, a) => {
    const r = await ctx.conn.exec(restoreScript(a), { become: true, timeoutMs: 600_000 });
    if (r.code !== 0) {
      throw new TsplayError('ETCD_RESTORE_FAILED', `${CODES[r.code] ?? 'restore failed'}: ${lastError(r)}`, {
        host: ctx.host,
        task: ctx.task,
        hint: `the previous data dir is kept as ${archiveOf(a)} (when it existed); fix the cause and re-run the restore`,
      });
    }
    return {
      data: { archived: archiveOf(a), token: a.token },
      stdout: `restored ${a.snapshot} into ${a.dataDir} as ${a.self.name} with the new cluster token ${a.token} (set etcdClusterToken to it in the inventory); the old data dir is ${archiveOf(a)}`,
    };
  },
});

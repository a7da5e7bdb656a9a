/**
 * `etcd-snapshot`: one verified snapshot of the member this task runs on (the backup playbook runs it
 * on the leader), saved as `<dir>/etcd-<UTC time>.db` by the backup script (see backup-script.ts):
 * temp name, `snapshot status`, fsync, atomic rename. A backup is always a change (a new file); in
 * check mode it is predicted, never taken, and the backup dir becomes unknown to later tasks (which
 * files are the newest K depends on the new one).
 */
import { defineModule, TsplayError, type ApplyContext } from '@tsplay/core';
import { z } from 'zod';
import { endpointArg, etcdctlArg, hostPath, tlsArgs } from '../schemas.js';
import { backupScript, parseBackupOutput } from './backup-script.js';
import type { SnapshotStatus } from './status.js';
import { lastError } from './steps.js';

export const snapshotArgs = z.object({
  dir: hostPath('dir').default('/var/backups/etcd'),
  ...endpointArg,
  ...etcdctlArg,
  etcdutl: z.string().default('/usr/local/bin/etcdutl'),
  ...tlsArgs,
});
export type SnapshotArgs = z.output<typeof snapshotArgs>;

export interface SnapshotResult {
  path: string;
  status: SnapshotStatus;
}

/**
 * Run a snapshot script (backupScript's) on this host as root and read what it saved and verified; no
 * verified, named snapshot is ETCD_SNAPSHOT_INVALID with `what` and `hint` (the script leaves no temp behind).
 */
export async function saveSnapshot(
  ctx: ApplyContext,
  script: string,
  fail: { what: string; hint: string },
  timeoutMs = 300_000,
): Promise<SnapshotResult> {
  const r = await ctx.conn.exec(script, { become: true, timeoutMs });
  let out: ReturnType<typeof parseBackupOutput> | undefined;
  let why = r.code !== 0 ? lastError(r) : 'no verified snapshot status';
  try {
    out = parseBackupOutput(r.stdout);
  } catch (e) {
    why = (e as Error).message;
  }
  if (r.code !== 0 || !out?.saved || !out.status) {
    throw new TsplayError('ETCD_SNAPSHOT_INVALID', `${fail.what}: ${why}`, { host: ctx.host, task: ctx.task, hint: fail.hint });
  }
  return { path: out.saved, status: out.status };
}

export const etcdSnapshot = defineModule({
  name: 'etcd-snapshot',
  args: snapshotArgs,
  facts: () => ({}),
  plan: (_f, a) => ({
    changed: true,
    summary: `would save a snapshot to ${a.dir}/etcd-<UTC time>.db, verified with snapshot status before it is named`,
    predict: { unknown: [a.dir] },
  }),
  apply: async (ctx, a): Promise<{ data: SnapshotResult; stdout: string }> => {
    const data = await saveSnapshot(ctx, backupScript(a), {
      what: 'the snapshot was not saved',
      hint: `no backup was named; journalctl -u etcd, and the free space in ${a.dir}`,
    });
    const s = data.status;
    return { data, stdout: `${data.path}: revision ${s.revision}, ${s.totalKey} keys, ${s.totalSize} bytes, hash ${s.hash}` };
  },
});

/**
 * `etcd-backup-prune`: keep the newest `keep` backups (`etcd-<UTC time>.db`, newest by name, which is by
 * time) in the backup dir and delete older ones only. Files that are not named like a backup are never
 * touched; a temp file of an interrupted snapshot (`.etcd-*.db.tmp`, `.tmp.part`) is deleted once it is
 * older than an hour (a running snapshot's temp is younger). Idempotent: with K or fewer backups and no
 * stale temp it is unchanged.
 */
import { defineModule, sh, TsplayError } from '@tsplay/core';
import { commandFact, unknownFact } from '@tsplay/core/module';
import { z } from 'zod';
import { hostPath } from '../schemas.js';
import { BACKUP_RE } from './backup-script.js';
import { lastError, runRoot } from './steps.js';

export const pruneArgs = z.object({
  dir: hostPath('dir').default('/var/backups/etcd'),
  keep: z.number().int().min(1).default(7),
});
export type PruneArgs = z.output<typeof pruneArgs>;

export interface BackupDir {
  /** Entry names in the dir (directories excluded); [] when it does not exist. */
  files: string[];
  /** Temp files of a snapshot older than an hour. */
  stale: string[];
}

const TEMP_RE = /^\.etcd-\d{8}T\d{6}(\.\d{3})?Z\.db\.tmp(\.part)?$/;

/** The read-only listing: every regular file, and `S name` for temps older than 60 minutes. */
export function backupDirScript(dir: string): string {
  return sh`if [ -d ${dir} ]; then find ${dir} -mindepth 1 -maxdepth 1 -type f -printf 'F %f\n'; find ${dir} -mindepth 1 -maxdepth 1 -type f -name '.etcd-*' -mmin +60 -printf 'S %f\n'; fi`;
}

/** Pure. */
export function parseBackupDir(out: string): BackupDir {
  const lines = out.split('\n');
  const pick = (tag: string) => lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.slice(2));
  return { files: pick('F'), stale: pick('S').filter((n) => TEMP_RE.test(n)) };
}

export interface PrunePlan {
  keep: string[];
  remove: string[];
}

/** Pure: the newest `keep` backups stay; older backups and stale temps go. */
export function planPrune(d: BackupDir, keep: number): PrunePlan {
  const backups = d.files.filter((f) => BACKUP_RE.test(f)).sort();
  const cut = Math.max(0, backups.length - keep);
  return { keep: backups.slice(cut), remove: [...backups.slice(0, cut), ...d.stale] };
}

export const etcdBackupPrune = defineModule({
  name: 'etcd-backup-prune',
  args: pruneArgs,
  facts: (a) => ({
    dir: commandFact(`etcd-backup-dir:${a.dir}`, backupDirScript(a.dir), (r) => parseBackupDir(r.stdout), {
      become: true,
      fromOverlay: (o) => {
        const why = o.unknown(a.dir);
        return why !== undefined ? unknownFact(why) : undefined;
      },
    }),
  }),
  plan: (f, a) => {
    const p = planPrune(f.dir, a.keep);
    if (p.remove.length === 0) return { changed: false, summary: `${p.keep.length} backups in ${a.dir} (keep ${a.keep})`, data: p };
    return {
      changed: true,
      summary: `would delete ${p.remove.join(', ')} (keeping the newest ${a.keep})`,
      predict: { paths: Object.fromEntries(p.remove.map((n) => [`${a.dir}/${n}`, { exists: false }])) },
      data: p,
    };
  },
  apply: async (ctx, a, plan) => {
    const p = plan.data ?? { keep: [], remove: [] };
    const r = await runRoot(ctx, sh`rm -f -- ${p.remove.map((n) => `${a.dir}/${n}`)}`);
    if (r.code !== 0)
      throw new TsplayError('ETCD_BACKUP_PRUNE', `could not delete old backups: ${lastError(r)}`, { host: ctx.host, task: ctx.task });
    return { data: p, stdout: `deleted ${p.remove.join(', ')}` };
  },
  resultFromPlan: (p): PrunePlan | undefined => p.data,
});

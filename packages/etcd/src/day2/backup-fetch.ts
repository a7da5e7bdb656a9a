/**
 * Off-host backups (`etcd-backup.ts -e etcdBackupFetchTo=DIR`): the verified snapshot is brought to DIR on
 * the workstation by the `fetch` module (sha256 checked, atomic, 0600, idempotent), then
 * `etcd-backup-keep-local` keeps the newest `etcdBackupFetchKeep` snapshots there. Only names the backup
 * writes (`etcd-<UTC time>.db`, BACKUP_RE) are pruned; any other file in DIR is never touched.
 */
import { readdirSync, rmSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { defineModule, TsplayError } from '@tsplay/core';
import { z } from 'zod';
import { BACKUP_RE } from './backup-script.js';

export const keepLocalArgs = z.object({
  /** The workstation directory (absolute). */
  dir: z.string().refine(isAbsolute, 'dir must be an absolute path on the workstation'),
  keep: z.number().int().min(1).default(7),
  /** The snapshot the fetch brought (or, in check mode, would bring); counted even before it is there. */
  incoming: z.string().regex(BACKUP_RE).optional(),
  /** Check mode: the incoming snapshot's name is not known yet (it is taken by this run). */
  pending: z.boolean().default(false),
  /** Set when there was nothing to fetch (no snapshot taken, and no member keeps a backup): the reason, refused. */
  nothing: z.string().optional(),
});
export type KeepLocalArgs = z.output<typeof keepLocalArgs>;

/** Pure: the snapshots to delete so that the newest `keep` of `names` (plus `incoming`) stay. */
export function planKeepLocal(names: readonly string[], keep: number, incoming?: string): { keep: string[]; remove: string[] } {
  const all = [...new Set([...names, ...(incoming ? [incoming] : [])])].filter((n) => BACKUP_RE.test(n)).sort();
  const cut = Math.max(0, all.length - keep);
  return { keep: all.slice(cut), remove: all.slice(0, cut).filter((n) => names.includes(n)) };
}

/** The snapshot names in a workstation dir (the workstation side of fact gathering); [] when it does not exist. */
export function localBackups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && BACKUP_RE.test(e.name))
      .map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TsplayError(
      'ETCD_BACKUP_PRUNE',
      `cannot list ${dir} on the workstation: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { field: 'etcdBackupFetchTo' },
    );
  }
}

export const etcdBackupKeepLocal = defineModule({
  name: 'etcd-backup-keep-local',
  args: keepLocalArgs,
  facts: (a) => {
    const names = localBackups(a.dir);
    return { local: { key: `etcd-backup-keep-local:${a.dir}:${names.join(',')}`, script: ':', parse: () => names } };
  },
  plan: (f, a, ctx) => {
    if (a.nothing !== undefined)
      throw new TsplayError('ETCD_SNAPSHOT_MISSING', `nothing was fetched to ${a.dir}: ${a.nothing}`, {
        host: ctx.host,
        field: 'etcdBackupFetchTo',
        hint: 'take one: run without -e etcdBackupSnapshot=false',
      });
    const p = planKeepLocal(f.local, a.keep, a.incoming);
    const unknown = a.pending ? 'the snapshot this run would take is not named yet' : undefined;
    if (p.remove.length === 0)
      return { changed: false, summary: `${p.keep.length} snapshots in ${a.dir} on the workstation (keep ${a.keep})`, data: p, unknown };
    return {
      changed: true,
      summary: `would delete ${p.remove.join(', ')} from ${a.dir} on the workstation (keeping the newest ${a.keep})`,
      data: p,
      unknown,
    };
  },
  apply: async (ctx, a, plan) => {
    const p = plan.data ?? { keep: [], remove: [] };
    try {
      for (const n of p.remove) rmSync(`${a.dir}/${n}`, { force: true });
    } catch (e) {
      throw new TsplayError('ETCD_BACKUP_PRUNE', `could not delete old snapshots in ${a.dir} on the workstation: ${(e as Error).message}`, {
        host: ctx.host,
        task: ctx.task,
      });
    }
    return { data: p, stdout: `deleted ${p.remove.join(', ')} from ${a.dir}` };
  },
  resultFromPlan: (p): { keep: string[]; remove: string[] } | undefined => p.data,
});

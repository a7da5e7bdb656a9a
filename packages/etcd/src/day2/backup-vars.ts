/** The vars of playbooks/etcd-backup.ts and etcd-restore.ts: the role's EtcdVars, extended (vars.ts is the role's). */
import { z } from 'zod';
import { HOST_PATH, hostPath, oneLine, word } from '../schemas.js';
import { EtcdVars } from '../vars.js';

/** A systemd calendar expression on one line (`daily`, `*-*-* 02:30:00`, `hourly`). */
const onCalendar = z
  .string()
  .regex(/^[A-Za-z0-9*:,./~ -]+$/, 'etcdBackupTimer is true, false or one OnCalendar expression like daily or *-*-* 02:30:00');

export const EtcdBackupVars = EtcdVars.extend({
  /** Where the backups are kept on the members. */
  etcdBackupDir: hostPath('etcdBackupDir').default('/var/backups/etcd'),
  /** Keep the newest K backups per member; older ones are deleted. */
  etcdBackupKeep: z.number().int().min(1, 'etcdBackupKeep keeps at least one backup').default(7),
  /**
   * Install a systemd timer for scheduled backups on every member: `true` (daily) or an OnCalendar
   * expression. `false` (the default) installs nothing and removes nothing.
   */
  etcdBackupTimer: z
    .union([z.boolean(), onCalendar])
    .transform((v): string | false => (v === true || v === 'true' ? 'daily' : v === false || v === 'false' ? false : v))
    .default(false),
  /**
   * A directory on the workstation: the run's verified snapshot is fetched there (sha256 checked, atomic,
   * 0600), as `<dir>/etcd-<UTC time>.db`. Relative to the current directory.
   */
  etcdBackupFetchTo: oneLine('etcdBackupFetchTo').optional(),
  /** Keep the newest K snapshots in etcdBackupFetchTo; older `etcd-<time>.db` files there are deleted, nothing else. */
  etcdBackupFetchKeep: z.number().int().min(1, 'etcdBackupFetchKeep keeps at least one snapshot').default(7),
  /**
   * Take a new snapshot (default). `false`: take none; with etcdBackupFetchTo, fetch the newest backup any
   * member has (e.g. the timer's), which is `ok` when the workstation already has it.
   */
  etcdBackupSnapshot: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .default(true),
});
export type EtcdBackupVars = z.output<typeof EtcdBackupVars>;

/** One value per run, so every host gets the same default token. */
const RUN_STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z').toLowerCase();
export const defaultRestoreToken = `etcd-restore-${RUN_STAMP}`;

export const EtcdRestoreVars = EtcdVars.extend({
  /** The snapshot: a path on `etcdRestoreHost`, or (without it) a workstation path copied to every member. */
  etcdRestoreFrom: oneLine('etcdRestoreFrom'),
  /** The inventory host that has the snapshot at etcdRestoreFrom. */
  etcdRestoreHost: word('etcdRestoreHost').optional(),
  /** The restored cluster's new token (default `etcd-restore-<UTC time>`); the unit gets it too. */
  etcdRestoreToken: word('etcdRestoreToken').optional(),
  /** Where every member keeps its copy of the snapshot. */
  etcdRestoreStageDir: hostPath('etcdRestoreStageDir').default('/var/backups/etcd/restore'),
  etcdBackupDir: hostPath('etcdBackupDir').default('/var/backups/etcd'),
})
  .superRefine((v, ctx) => {
    if (v.etcdRestoreHost !== undefined && !HOST_PATH.test(v.etcdRestoreFrom)) {
      ctx.addIssue({
        code: 'custom',
        path: ['etcdRestoreFrom'],
        message: 'etcdRestoreFrom on etcdRestoreHost is an absolute path on the host of letters, digits and . _ + / : @ , = ~ -',
      });
    }
  })
  .transform((v) => ({ ...v, etcdClusterToken: v.etcdRestoreToken ?? defaultRestoreToken }));
export type EtcdRestoreVars = z.output<typeof EtcdRestoreVars>;

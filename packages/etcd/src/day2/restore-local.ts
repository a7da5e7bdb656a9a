/**
 * The workstation side of a restore: `etcdRestoreFrom` names a snapshot file, or a directory of them (what
 * `etcd-backup.ts -e etcdBackupFetchTo=DIR` keeps), of which the newest `etcd-<UTC time>.db` is restored.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BACKUP_RE } from './backup-script.js';

/** The workstation file to restore: `from` itself, or the newest snapshot name in the directory `from` (relative: to the current dir). */
export function localSnapshotPath(from: string): string {
  const p = resolve(from);
  let dir = false;
  try {
    dir = statSync(p).isDirectory();
  } catch {
    return p; // missing: the source check says so
  }
  if (!dir) return p;
  const newest = readdirSync(p, { withFileTypes: true })
    .filter((e) => e.isFile() && BACKUP_RE.test(e.name))
    .map((e) => e.name)
    .sort()
    .at(-1);
  return join(p, newest ?? 'etcd-<no snapshot in this directory>.db');
}

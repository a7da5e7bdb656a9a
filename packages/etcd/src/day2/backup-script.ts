/**
 * The snapshot script: one POSIX sh program, built with `sh`, that the `etcd-snapshot` task, the
 * scheduled `etcd-backup.service` and the upgrade's `etcd-upgrade-snapshot` (with `name`) all run, so every
 * verified snapshot is taken the same way:
 *   1. (timer only) do nothing but prune unless this member is the leader;
 *   2. `etcdctl snapshot save` to a hidden temp name in the backup dir (`.<name>.tmp`);
 *   3. `snapshot status -w json` on it (etcdutl when installed, else etcdctl): hash, revision, totalKey,
 *      and neither a zero hash nor a zero size;
 *   4. fsync, then rename to `<name>` (`etcd-<UTC time>.db` by default; atomic: a name matching BACKUP_RE
 *      is always a whole, verified snapshot), fsync the dir; a failed step leaves no temp and no name;
 *   5. (timer only) keep the newest K backups, deleting older ones only.
 * Output lines: `@@saved PATH`, `@@status JSON`, `@@pruned NAME`, `@@skip WHY`.
 */
import { sh, TsplayError } from '@tsplay/core';
import type { Tls } from './probe.js';
import { parseSnapshotStatus, type SnapshotStatus } from './status.js';

/** A backup's file name: `etcd-20250101T120000.123Z.db` (UTC, ISO 8601 basic; sorts by time). */
export const BACKUP_RE = /^etcd-\d{8}T\d{6}(\.\d{3})?Z\.db$/;
/** The same, as an extended regular expression for grep -E. */
const BACKUP_ERE = '^etcd-[0-9]{8}T[0-9]{6}([.][0-9]{3})?Z[.]db$';

/** Pure: the backup name for a time. */
export function backupName(at: Date): string {
  return `etcd-${at.toISOString().replace(/[-:]/g, '')}.db`;
}

export interface BackupScriptOptions extends Tls {
  dir: string;
  /** Keep this many backups (prune); undefined: no pruning. */
  keep?: number | undefined;
  /** Snapshot only when this member is the leader (the timer runs on every member). */
  ifLeader?: boolean;
  endpoint?: string;
  etcdctl?: string;
  etcdutl?: string;
  /** etcdctl's --command-timeout in seconds (the save of a large database takes long). Default 120. */
  timeoutS?: number;
  /**
   * The snapshot's file name in `dir` (a plain name ending in .db, e.g. the upgrade's
   * `pre-upgrade-<time>.db`); default `etcd-<UTC time of the host>.db`, a BACKUP_RE name.
   */
  name?: string;
}

/** A name the script may give a snapshot: one path segment, not hidden, ending in .db. */
const NAME_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.db$/;

function ctlFunction(o: BackupScriptOptions): string {
  const flags = [
    `--endpoints=${o.endpoint ?? 'https://127.0.0.1:2379'}`,
    `--cacert=${o.caFile}`,
    `--cert=${o.certFile}`,
    `--key=${o.keyFile}`,
    '--dial-timeout=5s',
    `--command-timeout=${o.timeoutS ?? 120}s`,
  ];
  return sh`ctl() { ETCDCTL_API=3 ${o.etcdctl ?? '/usr/local/bin/etcdctl'} ${flags} "$@"; }`;
}

const LEADER_CHECK = [
  `st=$(ctl endpoint status -w json 2>/dev/null) || st=''`,
  `me=$(printf '%s' "$st" | sed -n 's/.*"member_id":\\([0-9]*\\).*/\\1/p')`,
  `lead=$(printf '%s' "$st" | sed -n 's/.*"leader":\\([0-9]*\\).*/\\1/p')`,
  `if [ -z "$me" ] || [ "$me" != "$lead" ]; then echo "@@skip not the leader"; snap=no; fi`,
].join('\n');

function snapshotLines(o: BackupScriptOptions): string[] {
  const utl = o.etcdutl ?? '/usr/local/bin/etcdutl';
  if (o.name !== undefined && !NAME_RE.test(o.name))
    throw new TsplayError('ARGS_INVALID', `not a snapshot file name: ${JSON.stringify(o.name)}`, {
      field: 'name',
      hint: 'one path segment ending in .db, not hidden',
    });
  return [
    o.name !== undefined ? sh`name=${o.name}` : `name="etcd-$(date -u +%Y%m%dT%H%M%S.%3NZ).db"`,
    `tmp="$dir/.$name.tmp"`,
    `trap 'rm -f "$tmp" "$tmp.part"' EXIT`,
    `ctl snapshot save "$tmp" >/dev/null`,
    sh`if [ -x ${utl} ]; then st=$(${utl} snapshot status "$tmp" -w json); else st=$(ctl snapshot status "$tmp" -w json 2>/dev/null); fi`,
    `case "$st" in *'"hash":'*'"revision":'*'"totalKey":'*) ;; *) echo "snapshot status did not verify $tmp: $st" >&2; exit 5 ;; esac`,
    `case "$st" in *'"hash":0,'*|*'"hash":0}'*|*'"totalSize":0,'*|*'"totalSize":0}'*) echo "snapshot status of $tmp: an empty or unhashed snapshot: $st" >&2; exit 5 ;; esac`,
    `sync "$tmp"`,
    `mv "$tmp" "$dir/$name"`,
    `sync "$dir"`,
    `echo "@@saved $dir/$name"`,
    `printf '@@status %s\\n' "$(printf '%s' "$st" | grep '^{' | head -n 1)"`,
  ];
}

/** The script (run as root). */
export function backupScript(o: BackupScriptOptions): string {
  const lines = [
    '#!/bin/sh',
    '# etcd snapshot, written by tsplay (packages/etcd/src/day2/backup-script.ts): snapshot, verify, rename, prune (with keep).',
    'set -eu',
    'umask 077',
    sh`dir=${o.dir}`,
    ctlFunction(o),
    'snap=yes',
    ...(o.ifLeader ? [LEADER_CHECK] : []),
    `mkdir -p "$dir" && chmod 700 "$dir"`,
    `if [ "$snap" = yes ]; then`,
    ...snapshotLines(o).map((l) => `  ${l}`),
    'fi',
  ];
  if (o.keep !== undefined) lines.push(pruneLine(o.keep));
  return `${lines.join('\n')}\n`;
}

/** Delete all but the newest `keep` backups in "$dir" (names only: never a file that is not a backup). */
function pruneLine(keep: number): string {
  return sh`ls -1 "$dir" | grep -E ${BACKUP_ERE} | sort -r | tail -n +${keep + 1} | while read -r f; do rm -f -- "$dir/$f" && echo "@@pruned $f"; done`;
}

export interface BackupOutput {
  saved?: string;
  status?: SnapshotStatus;
  pruned: string[];
  skipped?: string;
}

/** Pure: what the script printed. */
export function parseBackupOutput(out: string): BackupOutput {
  const tag = (t: string) => [...out.matchAll(new RegExp(`^@@${t} (.*)$`, 'gm'))].map((m) => (m[1] ?? '').trim());
  const [saved] = tag('saved');
  const [status] = tag('status');
  const [skipped] = tag('skip');
  return {
    ...(saved ? { saved } : {}),
    ...(status ? { status: parseSnapshotStatus(status) } : {}),
    pruned: tag('pruned'),
    ...(skipped ? { skipped } : {}),
  };
}

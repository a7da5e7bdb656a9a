/**
 * Scheduled backups: a oneshot `etcd-backup.service` that runs the backup script (the same snapshot,
 * verification, atomic rename and prune as the playbook; only the leader takes the snapshot, every member
 * prunes its own dir) and an `etcd-backup.timer` with the OnCalendar the vars give. Pure text.
 */
import type { BackupScriptOptions } from './backup-script.js';
import { backupScript } from './backup-script.js';

export const BACKUP_SCRIPT_PATH = '/usr/local/sbin/etcd-backup';
export const BACKUP_SERVICE = 'etcd-backup.service';
export const BACKUP_TIMER = 'etcd-backup.timer';
export const BACKUP_SERVICE_PATH = `/etc/systemd/system/${BACKUP_SERVICE}`;
export const BACKUP_TIMER_PATH = `/etc/systemd/system/${BACKUP_TIMER}`;

/** The script the service runs: leader-only snapshot, then prune to `keep`. */
export function timerScript(o: BackupScriptOptions & { keep: number }): string {
  return backupScript({ ...o, ifLeader: true });
}

export function backupService(scriptPath = BACKUP_SCRIPT_PATH): string {
  return `[Unit]
Description=etcd snapshot backup (tsplay)
Documentation=https://etcd.io/docs/v3.5/op-guide/recovery/
After=etcd.service

[Service]
Type=oneshot
ExecStart=${scriptPath}
Nice=10
IOSchedulingClass=best-effort
IOSchedulingPriority=7
`;
}

export function backupTimer(onCalendar: string): string {
  return `[Unit]
Description=etcd snapshot backup schedule (tsplay)

[Timer]
OnCalendar=${onCalendar}
Persistent=true
RandomizedDelaySec=60

[Install]
WantedBy=timers.target
`;
}

import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Units every lab host masks (in the shared layer), so 200 hosts boot on 2 cores: each costs boot work,
 * memory or one of root's inotify instances (all hosts share root's limit). Kept: systemd, journald (the
 * journal checks), sshd, sudo, systemd-user-sessions (sshd refuses logins until it ran), tmpfiles at boot,
 * and D-Bus (`systemctl` run by a non-root user, as the tests do, reaches PID 1 only through it).
 * Nothing here is used by tsplay, the tests or Ansible: the image has no pam_systemd, so logind had no
 * sessions to track. A trimmed host holds 4 inotify instances (systemd 3, dbus-daemon 1), was 7.
 */
export const TRIMMED_UNITS = [
  'systemd-logind.service',
  'systemd-ask-password-console.path',
  'systemd-ask-password-wall.path',
  'systemd-tmpfiles-clean.timer',
  'systemd-journal-flush.service',
  'systemd-update-utmp.service',
  'systemd-update-utmp-runlevel.service',
  'modprobe@.service',
  'sys-fs-fuse-connections.mount',
  'dev-hugepages.mount',
] as const;

/** Mask `units` under `root`/etc/systemd/system (symlinks to /dev/null, as `systemctl mask` makes). */
export async function maskUnits(root: string, units: readonly string[] = TRIMMED_UNITS): Promise<void> {
  const dir = join(root, 'etc/systemd/system');
  await mkdir(dir, { recursive: true });
  for (const unit of units) {
    const link = join(dir, unit);
    await rm(link, { force: true });
    await symlink('/dev/null', link);
  }
}

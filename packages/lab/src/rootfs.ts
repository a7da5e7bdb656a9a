import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { aptMirror } from './apt.js';
import { labMounts } from './leftovers.js';
import { $, $ok, step, type Log } from './run.js';

/** Bump when the rootfs recipe changes: an older cached rootfs is rebuilt. */
export const ROOTFS_VERSION = 'tsplay-lab-rootfs 2';
const MARKER = 'etc/tsplay-lab-rootfs';
const SUITE = 'bookworm';
const INCLUDE = 'systemd,systemd-sysv,openssh-server,dbus,iproute2,curl,wget,opendoas,tar,ca-certificates,procps,sudo,python3';

/** Units a lab host does not need (timers that would touch the disk, gettys, e2scrub). */
const MASKED = [
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'dpkg-db-backup.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'getty@tty1.service',
  'console-getty.service',
  'systemd-pstore.service',
];

const SSHD_CONF = 'HostKey /etc/ssh/ssh_host_ed25519_key\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUseDNS no\n';

export async function rootfsReady(rootfs: string): Promise<boolean> {
  try {
    return (await readFile(join(rootfs, MARKER), 'utf8')).trim() === ROOTFS_VERSION;
  } catch {
    return false;
  }
}

/** Make the debootstrapped tree a lab image: no machine-id, no shared host keys, a sudoer `admin`. */
async function customize(root: string): Promise<void> {
  await writeFile(join(root, 'etc/machine-id'), '');
  await $`rm -f ${root}/etc/ssh/ssh_host_*`;
  await $`chroot ${root} useradd --create-home --shell /bin/bash --groups sudo admin`;
  await writeFile(join(root, 'etc/sudoers.d/admin'), 'admin ALL=(ALL) NOPASSWD:ALL\n', { mode: 0o440 });
  await writeFile(join(root, 'etc/ssh/sshd_config.d/tsplay-lab.conf'), SSHD_CONF);
  for (const unit of MASKED) {
    const link = join(root, 'etc/systemd/system', unit);
    await rm(link, { force: true });
    await symlink('/dev/null', link);
  }
  await $`rm -rf ${root}/var/cache/apt/archives/*.deb ${root}/var/lib/apt/lists`;
  await mkdir(join(root, 'var/lib/apt/lists/partial'), { recursive: true });
  await writeFile(join(root, MARKER), `${ROOTFS_VERSION}\n`);
}

/**
 * Build the cached root filesystem once (debootstrap from the mirror apt already uses). It is built in a
 * temporary directory and renamed into place only when complete, so a killed build is never taken as cached.
 */
export async function ensureRootfs(rootfs: string, log: Log): Promise<'cached' | 'built'> {
  if (await rootfsReady(rootfs)) return 'cached';
  const tmp = `${rootfs}.tmp-${process.pid}`;
  await mkdir(dirname(rootfs), { recursive: true });
  // a killed debootstrap can leave /proc and /sys mounted in its target: unmount before removing
  for (const m of labMounts(dirname(rootfs)).filter((x) => x.includes('/rootfs.tmp-'))) await $ok`umount -l ${m}`;
  await $`rm -rf --one-file-system ${dirname(rootfs)}/rootfs.tmp-* ${rootfs}`;
  const mirror = aptMirror();
  log(`building the lab rootfs (debootstrap ${SUITE} from ${mirror}, about a minute; cached afterwards)`);
  await step('debootstrap', async () => {
    const proc = $`debootstrap --variant=minbase --include=${INCLUDE} ${SUITE} ${tmp} ${mirror}`;
    let n = 0;
    let last = 0;
    for await (const line of proc) {
      n += 1;
      const now = Date.now();
      if (/^I: (Retrieving|Validating|Extracting|Unpacking|Configuring|Installing)/.test(line) && now - last > 2000) {
        last = now;
        log(`  rootfs: ${line.slice(3).trim()} (${n} steps)`);
      }
    }
    await proc;
  });
  await step('customize rootfs', () => customize(tmp));
  await rename(tmp, rootfs);
  log('rootfs ready');
  return 'built';
}

export function rootfsExists(rootfs: string): boolean {
  return existsSync(join(rootfs, MARKER));
}

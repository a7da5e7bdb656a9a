import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import type { LabHost } from './paths.js';
import { $, step } from './run.js';
import { maskUnits } from './trim.js';

/** The /etc/hosts of a lab host: every lab host by name, and the GCE metadata name. */
export function etcHosts(hosts: readonly LabHost[]): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...hosts.map((h) => `${h.address}\t${h.name}`),
    '169.254.169.254\tmetadata.google.internal',
    '',
  ].join('\n');
}

function checkMountPath(p: string): void {
  if (/[:,\s]/.test(p)) {
    throw new TsplayError('LAB_FAILED', `overlayfs cannot use a path with ':', ',' or spaces: ${p}`, {
      hint: 'set TSPLAY_LAB_DIR / TSPLAY_CACHE_DIR to plain paths',
    });
  }
}

async function mountOverlay(lower: readonly string[], dir: string): Promise<string> {
  for (const p of [...lower, dir]) checkMountPath(p);
  const merged = join(dir, 'merged');
  await mkdir(join(dir, 'upper'), { recursive: true });
  await mkdir(join(dir, 'work'), { recursive: true });
  await mkdir(merged, { recursive: true });
  const opts = `lowerdir=${lower.join(':')},upperdir=${dir}/upper,workdir=${dir}/work`;
  await $`mount -t overlay tsplay-lab -o ${opts} ${merged}`;
  return merged;
}

async function adminIds(root: string): Promise<{ uid: number; gid: number }> {
  const line = (await readFile(join(root, 'etc/passwd'), 'utf8')).split('\n').find((l) => l.startsWith('admin:'));
  const f = line?.split(':') ?? [];
  if (!f[2] || !f[3]) throw new TsplayError('LAB_FAILED', 'the lab rootfs has no admin user');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** A journal in memory, small: an idle host's journald takes ~2 MB instead of ~11 MB (mapped journal files). */
export const JOURNALD_CONF = '[Journal]\nStorage=volatile\nRuntimeMaxUse=4M\nRuntimeMaxFileSize=1M\n';

/**
 * The layer every host of this lab shares, on top of the cached rootfs: the lab CA in the trust store
 * (update-ca-certificates runs once, not per host), the lab key in admin's authorized_keys, a small
 * in-memory journal, and the units a lab host does not need masked (TRIMMED_UNITS).
 * Returns the layer's directory (to be used as a lower dir).
 */
export async function buildCommonLayer(dir: string, rootfs: string, caPem: string, publicKey: string): Promise<string> {
  await step('build the common host layer', async () => {
    const merged = await mountOverlay([rootfs], dir);
    try {
      await writeFile(join(merged, 'usr/local/share/ca-certificates/tsplay-lab-ca.crt'), caPem);
      await mkdir(join(merged, 'etc/systemd/journald.conf.d'), { recursive: true });
      await writeFile(join(merged, 'etc/systemd/journald.conf.d/tsplay-lab.conf'), JOURNALD_CONF);
      await maskUnits(merged);
      const ssh = join(merged, 'home/admin/.ssh');
      const { uid, gid } = await adminIds(merged);
      await mkdir(ssh, { recursive: true, mode: 0o700 });
      await writeFile(join(ssh, 'authorized_keys'), publicKey, { mode: 0o600 });
      await chown(ssh, uid, gid);
      await chown(join(ssh, 'authorized_keys'), uid, gid);
      await $`chroot ${merged} update-ca-certificates`;
    } finally {
      await $`umount ${merged}`;
    }
    await rm(join(dir, 'work'), { recursive: true, force: true });
    await rm(merged, { recursive: true, force: true });
  });
  return join(dir, 'upper');
}

/**
 * Mount host h's overlay (its own upper over the common layer and the rootfs) and write what makes it
 * this host: hostname, /etc/hosts, a fresh SSH host key. Returns its known_hosts line.
 */
export async function prepareHost(h: LabHost, dir: string, lower: readonly string[], all: readonly LabHost[]): Promise<string> {
  return step(`prepare ${h.name}`, async () => {
    const merged = await mountOverlay(lower, dir);
    await writeFile(join(merged, 'etc/hostname'), `${h.name}\n`);
    await writeFile(join(merged, 'etc/hosts'), etcHosts(all));
    const key = join(merged, 'etc/ssh/ssh_host_ed25519_key');
    await $`ssh-keygen -q -t ed25519 -N ${''} -C ${`root@${h.name}`} -f ${key}`;
    await chmod(key, 0o600);
    const pub = (await readFile(`${key}.pub`, 'utf8')).trim().split(/\s+/);
    return `${h.address} ${pub[0]} ${pub[1]}\n`;
  });
}

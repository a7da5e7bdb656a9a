import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $, $ok, step, type Log } from './run.js';
import { TsplayError } from '@tsplay/core';
import { findMirror, type SourceFile } from './mirror.js';

/** Debian packages the lab needs on this machine (the etcd binaries are only downloaded, not installed). */
export const HOST_PACKAGES = ['debootstrap', 'systemd-container', 'iproute2', 'openssl', 'openssh-client'] as const;

let updated = false;

async function aptUpdateOnce(log: Log): Promise<void> {
  if (updated) return;
  log('apt-get update');
  await step('apt-get update', () => $`apt-get update -qq`);
  updated = true;
}

async function missing(pkgs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of pkgs) {
    const r = await $ok`dpkg-query -W -f=${'${Status}'} ${p}`;
    if (!r.stdout.includes('install ok installed')) out.push(p);
  }
  return out;
}

/** Install whatever of HOST_PACKAGES is missing (one `apt-get update` first). */
export async function ensureHostPackages(log: Log): Promise<void> {
  const need = await missing(HOST_PACKAGES);
  if (need.length === 0) return;
  await aptUpdateOnce(log);
  log(`apt-get install ${need.join(' ')}`);
  await step(`apt-get install ${need.join(' ')}`, () =>
    $({ env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })`apt-get install -y -qq ${need}`,
  );
}

/** `apt-get download` into `dir`; runs `apt-get update` once if apt does not know the packages yet. */
export async function aptDownload(pkgs: readonly string[], dir: string, log: Log): Promise<void> {
  const first = await $ok({ cwd: dir })`apt-get download -qq ${pkgs}`;
  if (first.exitCode === 0) return;
  await aptUpdateOnce(log);
  await step(`apt-get download ${pkgs.join(' ')}`, () => $({ cwd: dir })`apt-get download -qq ${pkgs}`);
}

/** The Debian mirror apt already uses on this machine. */
export function aptMirror(): string {
  const files: SourceFile[] = [];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) files.push({ name, text: readFileSync(join(dir, name), 'utf8') });
  }
  if (existsSync('/etc/apt/sources.list')) files.push({ name: 'sources.list', text: readFileSync('/etc/apt/sources.list', 'utf8') });
  const mirror = findMirror(files);
  if (!mirror) {
    throw new TsplayError('LAB_FAILED', 'no Debian bookworm mirror in /etc/apt/sources.list(.d): debootstrap needs the one apt uses', {
      hint: 'configure apt for bookworm (apt-get update must work), then run `tsplay lab up` again',
    });
  }
  return mirror;
}

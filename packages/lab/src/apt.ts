import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $, $ok, commandEnv, step, type Log } from './run.js';
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
  await step(
    `apt-get install ${need.join(' ')}`,
    () => $({ env: commandEnv({ ...process.env, DEBIAN_FRONTEND: 'noninteractive' }) })`apt-get install -y -qq ${need}`,
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

/** The keyring Debian's archive is signed with (package debian-archive-keyring). */
export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** One-line sources for `suite` on `mirror`, signed by Debian's archive keyring. Pure. */
export function suiteSourcesList(mirror: string, suite: string, keyring = DEBIAN_KEYRING): string {
  return `deb [signed-by=${keyring}] ${mirror} ${suite} main\n`;
}

/**
 * apt options that point apt at a sources list, package lists and caches of its own under `dir`, so that
 * `update` and `download` for another suite leave the machine's apt sources, lists and caches alone.
 */
export function privateAptOptions(dir: string): string[] {
  return [
    ['Dir::Etc::SourceList', join(dir, 'sources.list')],
    ['Dir::Etc::SourceParts', join(dir, 'sources.list.d')],
    ['Dir::State::Lists', join(dir, 'lists')],
    ['Dir::Cache', join(dir, 'cache')],
    // apt drops privileges to _apt for downloads, and the private dir (mkdtemp, 0700) is root's
    ['APT::Sandbox::User', 'root'],
  ].flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

/**
 * `apt-get download pkgs` from Debian `suite` (another release than the machine's) into `dest`, through a
 * temporary sources list and lists directory on the mirror apt already uses.
 */
export async function aptDownloadSuite(suite: string, pkgs: readonly string[], dest: string, log: Log): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `tsplay-apt-${suite}-`));
  try {
    await Promise.all([
      mkdir(join(dir, 'lists', 'partial'), { recursive: true }),
      mkdir(join(dir, 'sources.list.d')),
      mkdir(join(dir, 'cache', 'archives', 'partial'), { recursive: true }),
    ]);
    await writeFile(join(dir, 'sources.list'), suiteSourcesList(aptMirror(), suite));
    const o = privateAptOptions(dir);
    log(`apt-get update (${suite} only, in ${dir})`);
    await step(`apt-get update for ${suite}`, () => $`apt-get update -qq ${o}`);
    await step(`apt-get download ${pkgs.join(' ')} (${suite})`, () => $({ cwd: dest })`apt-get download -qq ${o} ${pkgs}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

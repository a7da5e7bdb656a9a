import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import { aptDownload } from './apt.js';
import { labPaths } from './paths.js';
import { $, type Log } from './run.js';
import { requireLab } from './status.js';

/**
 * The lab's local Debian repository, for the apt module's tests: a few small .debs fetched on the
 * workstation with `apt-get download` (two versions of jq and libjq1, so `latest` has something to
 * upgrade), a Packages index made with dpkg-deb, copied onto each host as a flat `file:` repository.
 * The hosts get no network: their apt only sees /srv/tsplay-apt.
 */
export const APT_REPO_PACKAGES = [
  'hello',
  'tree',
  'libonig5',
  'jq=1.6-2.1+deb12u2',
  'libjq1=1.6-2.1+deb12u2',
  'jq=1.6-2.1+deb12u3',
  'libjq1=1.6-2.1+deb12u3',
] as const;
/** Where the repository lives on the hosts, and the sources entry that points apt at it. */
export const APT_REPO_HOST_DIR = '/srv/tsplay-apt';
export const APT_REPO_SOURCES = `deb [trusted=yes] file:${APT_REPO_HOST_DIR} ./\n`;

/** The Packages stanza of one .deb: its control fields plus Filename, Size and SHA256. */
async function stanza(dir: string, file: string): Promise<string> {
  const control = (await $`dpkg-deb -f ${join(dir, file)}`).stdout.trimEnd();
  const bytes = readFileSync(join(dir, file));
  return `${control}\nFilename: ./${file}\nSize: ${bytes.length}\nSHA256: ${createHash('sha256').update(bytes).digest('hex')}\n`;
}

/** Download the packages (once, into the lab cache) and write the Packages index. Returns the repo dir. */
export async function buildAptRepo(log: Log = () => {}): Promise<string> {
  const dir = join(labPaths().cacheDir, 'apt-repo');
  const index = join(dir, 'Packages');
  if (existsSync(index)) return dir;
  await mkdir(dir, { recursive: true });
  await aptDownload(APT_REPO_PACKAGES, dir, log);
  const debs = readdirSync(dir)
    .filter((f) => f.endsWith('.deb'))
    .sort();
  if (debs.length < APT_REPO_PACKAGES.length) {
    throw new TsplayError('LAB_FAILED', `apt-get download gave ${debs.length} of ${APT_REPO_PACKAGES.length} packages`, {
      hint: 'apt-get update on the workstation, then retry',
    });
  }
  const stanzas = await Promise.all(debs.map((f) => stanza(dir, f)));
  await writeFile(`${index}.tmp`, `${stanzas.join('\n')}`);
  await rename(`${index}.tmp`, index);
  return dir;
}

/**
 * Put the repository on every lab host (idempotent): the files under /srv/tsplay-apt, apt's sources
 * pointing only at it (the network sources are moved aside: the hosts have no route out of the lab).
 */
export async function installAptRepo(log: Log = () => {}): Promise<{ hosts: string[]; dir: string }> {
  const repo = await buildAptRepo(log);
  const lab = requireLab();
  for (const h of lab.hosts) {
    const root = join(lab.paths.stateDir, 'hosts', `h${h.index}`, 'merged');
    const dest = join(root, APT_REPO_HOST_DIR.slice(1));
    await mkdir(dest, { recursive: true });
    for (const f of readdirSync(repo)) await copyFile(join(repo, f), join(dest, f));
    await writeFile(join(root, 'etc/apt/sources.list.d/tsplay-lab.list'), APT_REPO_SOURCES);
    const list = join(root, 'etc/apt/sources.list');
    if (existsSync(list)) await rename(list, `${list}.tsplay-disabled`);
  }
  return { hosts: lab.hosts.map((h) => h.name), dir: repo };
}

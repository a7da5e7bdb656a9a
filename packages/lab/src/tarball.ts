import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { aptDownload, aptDownloadSuite } from './apt.js';
import { ETCD_TARBALL, ETCD_VERSION, etcdTarballName, type EtcdRelease } from './paths.js';
import { $, step, type Log } from './run.js';

/** The binaries of an upstream release tarball that Debian's packages carry (etcdutl only from 3.5 on). */
const BINARIES = ['etcd', 'etcdctl', 'etcdutl'] as const;

export function releaseReadme(version: string, suite: string, binaries: readonly string[]): string {
  const top = `etcd-v${version}-linux-amd64`;
  return `# etcd v${version} (tsplay lab)

Repacked by \`tsplay lab up\` from Debian ${suite}'s etcd-server and etcd-client ${version} binaries,
with the layout of the upstream release tarball (${top}/{${[...binaries, 'README.md'].join(',')}}).
`;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `<hex>  <name>` lines, as `sha256sum` writes them. */
export function sha256sums(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([name, hex]) => `${hex}  ${name}\n`)
    .join('');
}

/** The hex sha256 recorded for `name` (default: the ETCD_VERSION tarball) in `sumsFile`. */
export async function readTarballSha256(sumsFile: string, name: string = ETCD_TARBALL): Promise<string | undefined> {
  const text = await readFile(sumsFile, 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.endsWith(`  ${name}`));
  return line?.split(' ')[0];
}

async function downloadDebs(r: EtcdRelease, work: string, log: Log): Promise<void> {
  if (r.suite === 'bookworm') await aptDownload(['etcd-server', 'etcd-client'], work, log);
  else await aptDownloadSuite(r.suite, ['etcd-server', 'etcd-client'], work, log);
}

/** Unpack the .debs in `work` and lay the binaries out as the upstream tarball does under `top`. */
async function layOut(r: EtcdRelease, work: string, top: string): Promise<void> {
  await mkdir(top, { recursive: true });
  await $`for d in ${work}/*.deb; do dpkg-deb -x "$d" ${join(work, 'x')}; done`;
  const present = BINARIES.filter((b) => existsSync(join(work, 'x/usr/bin', b)));
  for (const b of present) {
    await copyFile(join(work, 'x/usr/bin', b), join(top, b));
    await $`chmod 0755 ${join(top, b)}`;
  }
  await writeFile(join(top, 'README.md'), releaseReadme(r.version, r.suite, present));
}

/**
 * An etcd release tarball, repacked once (cached beside the rootfs) from a Debian suite's binaries with
 * the upstream layout, and its SHA256SUMS. Returns the sha256 hex.
 */
export async function ensureReleaseTarball(r: EtcdRelease, log: Log): Promise<string> {
  const name = etcdTarballName(r.version);
  const known = await readTarballSha256(r.sha256, name);
  if (known && existsSync(r.tarball) && (await sha256File(r.tarball)) === known) return known;
  log(`repacking ${name} from Debian ${r.suite}'s etcd-server/etcd-client`);
  const dir = dirname(r.tarball);
  await mkdir(dir, { recursive: true });
  await $`rm -rf ${dir}/.build-*`;
  const work = await mkdtemp(join(dir, '.build-'));
  try {
    await downloadDebs(r, work, log);
    const topName = `etcd-v${r.version}-linux-amd64`;
    await step(`unpack the etcd ${r.version} packages`, () => layOut(r, work, join(work, 'pkg', topName)));
    const tmp = join(work, name);
    await step(
      `pack the etcd ${r.version} tarball`,
      () =>
        $({
          cwd: join(work, 'pkg'),
        })`tar --owner=0 --group=0 --numeric-owner --mtime=2023-01-01 --sort=name -cf - ${topName} | gzip -n -6 > ${tmp}`,
    );
    const hex = await sha256File(tmp);
    await rename(tmp, r.tarball);
    await writeFile(`${r.sha256}.tmp`, sha256sums({ [name]: hex }));
    await rename(`${r.sha256}.tmp`, r.sha256);
    return hex;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The ETCD_VERSION tarball (kept for callers of the one-release API). */
export function ensureEtcdTarball(tarball: string, sumsFile: string, log: Log): Promise<string> {
  return ensureReleaseTarball({ version: ETCD_VERSION, suite: 'bookworm', tarball, sha256: sumsFile }, log);
}

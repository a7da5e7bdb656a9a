import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { aptDownload } from './apt.js';
import { ETCD_TARBALL, ETCD_VERSION } from './paths.js';
import { $, step, type Log } from './run.js';

const TOP = `etcd-v${ETCD_VERSION}-linux-amd64`;
const README = `# etcd v${ETCD_VERSION} (tsplay lab)

Repacked by \`tsplay lab up\` from Debian's etcd-server and etcd-client ${ETCD_VERSION} binaries,
with the layout of the upstream release tarball (${TOP}/{etcd,etcdctl,README.md}).
`;

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

/** The hex sha256 recorded for the tarball in `sumsFile`. */
export async function readTarballSha256(sumsFile: string): Promise<string | undefined> {
  const text = await readFile(sumsFile, 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.endsWith(`  ${ETCD_TARBALL}`));
  return line?.split(' ')[0];
}

/**
 * The etcd release tarball, repacked once (cached beside the rootfs) from Debian's binaries with the
 * upstream layout, and its SHA256SUMS. Returns the sha256 hex.
 */
export async function ensureEtcdTarball(tarball: string, sumsFile: string, log: Log): Promise<string> {
  const known = await readTarballSha256(sumsFile);
  if (known && existsSync(tarball) && (await sha256File(tarball)) === known) return known;
  log(`repacking ${ETCD_TARBALL} from Debian's etcd-server/etcd-client`);
  const dir = dirname(tarball);
  await mkdir(dir, { recursive: true });
  await $`rm -rf ${dir}/.build-*`;
  const work = await mkdtemp(join(dir, '.build-'));
  try {
    await aptDownload(['etcd-server', 'etcd-client'], work, log);
    const top = join(work, 'pkg', TOP);
    await mkdir(top, { recursive: true });
    await step('unpack the etcd packages', async () => {
      await $`for d in ${work}/*.deb; do dpkg-deb -x "$d" ${join(work, 'x')}; done`;
      await copyFile(join(work, 'x/usr/bin/etcd'), join(top, 'etcd'));
      await copyFile(join(work, 'x/usr/bin/etcdctl'), join(top, 'etcdctl'));
      await $`chmod 0755 ${join(top, 'etcd')} ${join(top, 'etcdctl')}`;
      await writeFile(join(top, 'README.md'), README);
    });
    const tmp = join(work, ETCD_TARBALL);
    await step('pack the etcd tarball', () =>
      $({ cwd: join(work, 'pkg') })`tar --owner=0 --group=0 --numeric-owner --mtime=2023-01-01 --sort=name -cf - ${TOP} | gzip -n -6 > ${tmp}`,
    );
    const hex = await sha256File(tmp);
    await rename(tmp, tarball);
    await writeFile(`${sumsFile}.tmp`, sha256sums({ [ETCD_TARBALL]: hex }));
    await rename(`${sumsFile}.tmp`, sumsFile);
    return hex;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

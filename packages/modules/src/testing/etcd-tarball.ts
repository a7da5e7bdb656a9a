import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from './tree-snapshot.js';

/** A small stand-in for the etcd release tarball: `etcd-v3.4.15-linux-amd64/{etcd,etcdctl,README.md}`. */
export interface TestTarball {
  /** Absolute path of the .tar.gz. */
  path: string;
  name: string;
  sha256: string;
  body: Buffer;
  /** Member contents by file name. */
  members: { etcd: string; etcdctl: string; 'README.md': string };
  /** `HEX  name` lines for the tarball and another file, like a release's SHA256SUMS. */
  sums: string;
}

export const TARBALL_TOP = 'etcd-v3.4.15-linux-amd64';

export function makeEtcdTarball(dir: string): TestTarball {
  const name = `${TARBALL_TOP}.tar.gz`;
  const src = join(dir, 'tarball-src');
  const top = join(src, TARBALL_TOP);
  mkdirSync(top, { recursive: true });
  const members = {
    etcd: '#!/bin/sh\necho "etcd test binary"\n',
    etcdctl: '#!/bin/sh\necho "etcdctl test binary"\n',
    'README.md': '# etcd\nnot a binary\n',
  };
  for (const [n, body] of Object.entries(members)) writeFileSync(join(top, n), body);
  chmodSync(join(top, 'etcd'), 0o700);
  chmodSync(join(top, 'etcdctl'), 0o700);
  chmodSync(join(top, 'README.md'), 0o600);
  const path = join(dir, name);
  execFileSync('tar', ['czf', path, '-C', src, TARBALL_TOP]);
  const body = readFileSync(path);
  const sha256 = sha256Hex(body);
  const other = sha256Hex('other');
  const sums = `${other}  etcd-v3.4.15-darwin-amd64.zip\n${sha256}  ${name}\n`;
  return { path, name, sha256, body, members, sums };
}

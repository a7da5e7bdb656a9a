/** The role's steps 1-4: download, unpack, directories, certificates (the seed's wget, tar, mkdir, cp). */
import { copy, download, file, unarchive } from '@tsplay/modules';
import { ETCD_BIN_DIR, ETCD_CONFIG_DIR, hostCertPaths, t, type Namer } from './role-common.js';
import { checksumOf, tarballName, tarballUrl, type EtcdVars } from './vars.js';

const tarball = (v: EtcdVars) => `${v.etcdDownloadDir}/${tarballName(v)}`;

export function fileTasks(n: Namer) {
  return {
    // 1. wget --https-only the release tarball (checksum: etcdChecksums[etcdVersion], else etcdChecksum)
    fetch: t(download, (c) => ({ url: tarballUrl(c.vars), dest: tarball(c.vars), checksum: checksumOf(c.vars), mode: '0644' }), {
      name: n('download etcd'),
    }),
    // 2. tar -xvf; mv etcd-v*/etcd* /usr/local/bin/ (one task: the idempotence check unpacks the tarball once)
    install: t(
      unarchive,
      (c) => ({ src: tarball(c.vars), dest: ETCD_BIN_DIR, include: ['*/etcd', '*/etcdctl'], stripComponents: 1, mode: '0755' }),
      { name: n('install etcd binaries') },
    ),
    // 3. mkdir -p /etc/etcd /var/lib/etcd; chmod 700 /var/lib/etcd
    configDir: t(file, { path: ETCD_CONFIG_DIR, state: 'directory' }, { name: n('etcd config dir') }),
    dataDir: t(file, (c) => ({ path: c.vars.etcdDataDir, state: 'directory' as const, mode: '0700' }), { name: n('etcd data dir') }),
    // 4. cp ca.pem kubernetes-key.pem kubernetes.pem /etc/etcd/
    ca: t(copy, (c) => ({ src: c.vars.etcdCaFile, dest: hostCertPaths(c.vars).caFile, mode: '0644' }), { name: n('etcd ca cert') }),
    cert: t(copy, (c) => ({ src: c.vars.etcdCertFile, dest: hostCertPaths(c.vars).certFile, mode: '0644' }), { name: n('etcd cert') }),
    key: t(copy, (c) => ({ src: c.vars.etcdKeyFile, dest: hostCertPaths(c.vars).keyFile, mode: '0600', secret: true }), {
      name: n('etcd key'),
    }),
  };
}

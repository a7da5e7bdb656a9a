import { definePlaybook } from '@tsplay/core';
import { copy, file, systemd, template, templateArgs } from '@tsplay/modules';
import { z } from 'zod';

/**
 * The etcd-style job of the scale bench (bench/README.md, "Scale"): the host side of the etcd role without the
 * cluster and without the release. Directories, the CA, the certificate and its key (0600, a secret) copied from
 * the workstation, a per-host unit file rendered from the host's name and address, and that unit enabled after a
 * daemon-reload (not started). 8 tasks; a first run changes 7 per host, a re-run none. What it leaves out, and
 * why: a 1,000-member etcd cluster is not a meaningful thing to start, and the 20 MB release downloaded and
 * unpacked 1,000 times would measure the lab's one file server and ~1 s of CPU per host on the 2 shared cores.
 */
const DIR = '/etc/tsplay-bench-etcd';
const DATA = '/var/lib/tsplay-bench-etcd';
const UNIT = 'tsplay-bench-etcd';

interface UnitVars {
  name: string;
  ip: string;
}

/** A unit like the role's etcd.service, for this host alone (never started). */
const unit = (v: UnitVars): string =>
  [
    '[Unit]',
    'Description=etcd (the scale bench: installed and enabled, never started)',
    '',
    '[Service]',
    'Type=notify',
    `ExecStart=/usr/local/bin/etcd --name ${v.name} --cert-file=${DIR}/kubernetes.pem --key-file=${DIR}/kubernetes-key.pem \\`,
    `  --trusted-ca-file=${DIR}/ca.pem --initial-advertise-peer-urls https://${v.ip}:2380 \\`,
    `  --listen-peer-urls https://${v.ip}:2380 --listen-client-urls https://${v.ip}:2379,https://127.0.0.1:2379 \\`,
    `  --initial-cluster ${v.name}=https://${v.ip}:2380 --data-dir=${DATA}`,
    'Restart=on-failure',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');

export default definePlaybook({
  name: 'files',
  vars: z.object({ etcdCaFile: z.string(), etcdCertFile: z.string(), etcdKeyFile: z.string() }),
  plays: ({ task }) => [
    {
      name: 'etcd-style files',
      hosts: 'all',
      become: true,
      tasks: [
        task(file, { path: DIR, state: 'directory', mode: '0755' }, { name: 'config dir' }),
        task(file, { path: DATA, state: 'directory', mode: '0700' }, { name: 'data dir' }),
        task(copy, (c) => ({ src: c.vars.etcdCaFile, dest: `${DIR}/ca.pem`, mode: '0644' }), { name: 'ca cert' }),
        task(copy, (c) => ({ src: c.vars.etcdCertFile, dest: `${DIR}/kubernetes.pem`, mode: '0644' }), { name: 'cert' }),
        task(copy, (c) => ({ src: c.vars.etcdKeyFile, dest: `${DIR}/kubernetes-key.pem`, mode: '0600', secret: true }), {
          name: 'key',
        }),
        task(
          template,
          (c) =>
            templateArgs({
              dest: `/etc/systemd/system/${UNIT}.service`,
              mode: '0644',
              template: unit,
              vars: { name: c.host.name, ip: c.host.address },
            }),
          { name: 'unit' },
        ),
        task(systemd, { name: UNIT, enabled: true, daemonReload: true }, { name: 'enable' }),
        task(file, { path: '/etc/hostname', state: 'file', mode: '0644' }, { name: 'hostname file' }),
      ],
    },
  ],
});

/** The etcd systemd unit as a typed function: for the seed's inputs it is the seed's etcd.service, byte for byte. */
import { TsplayError } from '@tsplay/core';
import type { Tls } from './schemas.js';

export interface EtcdMember {
  /** The member name (ETCD_NAME: the short hostname). */
  name: string;
  /** Its internal IP (peer URL https://IP:2380, client URL https://IP:2379). */
  ip: string;
}

export interface EtcdUnitInput extends Tls {
  name: string;
  internalIp: string;
  members: readonly EtcdMember[];
  token: string;
  dataDir: string;
  /** `new` bootstraps a cluster; `existing` joins one (after `etcdctl member add`). */
  clusterState?: 'new' | 'existing';
  binary?: string;
  /** Maintenance flags (issue 28), each rendered only when set: the seed's inputs still give the seed's unit. */
  autoCompactionMode?: 'periodic' | 'revision' | undefined;
  autoCompactionRetention?: string | undefined;
  quotaBackendBytes?: number | undefined;
}

/** `--auto-compaction-*` and `--quota-backend-bytes`, after the seed's flags; none when unset. */
export function maintenanceFlags(u: Pick<EtcdUnitInput, 'autoCompactionMode' | 'autoCompactionRetention' | 'quotaBackendBytes'>): string[] {
  if (u.autoCompactionMode === 'revision' && u.autoCompactionRetention !== undefined && !/^\d+$/.test(u.autoCompactionRetention)) {
    throw new TsplayError(
      'VARS_INVALID',
      `etcdAutoCompactionRetention ${u.autoCompactionRetention} is a duration, but revision mode keeps a number of revisions`,
      {
        field: 'etcdAutoCompactionRetention',
        hint: 'give a whole number of revisions (e.g. 10000), or etcdAutoCompactionMode=periodic',
      },
    );
  }
  return [
    ...(u.autoCompactionMode === undefined ? [] : [`--auto-compaction-mode=${u.autoCompactionMode}`]),
    ...(u.autoCompactionRetention === undefined ? [] : [`--auto-compaction-retention=${u.autoCompactionRetention}`]),
    ...(u.quotaBackendBytes === undefined ? [] : [`--quota-backend-bytes=${u.quotaBackendBytes}`]),
  ];
}

export const peerUrl = (ip: string): string => `https://${ip}:2380`;
export const clientUrl = (ip: string): string => `https://${ip}:2379`;

/** `controller-0=https://10.240.0.10:2380,...` */
export function initialCluster(members: readonly EtcdMember[]): string {
  return members.map((m) => `${m.name}=${peerUrl(m.ip)}`).join(',');
}

export function etcdUnit(u: EtcdUnitInput): string {
  const flags = [
    `--name ${u.name}`,
    `--cert-file=${u.certFile}`,
    `--key-file=${u.keyFile}`,
    `--peer-cert-file=${u.certFile}`,
    `--peer-key-file=${u.keyFile}`,
    `--trusted-ca-file=${u.caFile}`,
    `--peer-trusted-ca-file=${u.caFile}`,
    `--peer-client-cert-auth`,
    `--client-cert-auth`,
    `--initial-advertise-peer-urls ${peerUrl(u.internalIp)}`,
    `--listen-peer-urls ${peerUrl(u.internalIp)}`,
    `--listen-client-urls ${clientUrl(u.internalIp)},https://127.0.0.1:2379`,
    `--advertise-client-urls ${clientUrl(u.internalIp)}`,
    `--initial-cluster-token ${u.token}`,
    `--initial-cluster ${initialCluster(u.members)}`,
    `--initial-cluster-state ${u.clusterState ?? 'new'}`,
    `--data-dir=${u.dataDir}`,
    ...maintenanceFlags(u),
  ];
  return `[Unit]
Description=etcd
Documentation=https://github.com/coreos

[Service]
Type=notify
ExecStart=${u.binary ?? '/usr/local/bin/etcd'} \\
${flags.map((f) => `  ${f}`).join(' \\\n')}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
`;
}

/** What the role's parts share: its typed task helper, the paths on the host, and how a host is named. */
import { basename } from 'node:path';
import { task, type HostInfo, type TaskContext, type TypedTask } from '@tsplay/core';
import type { EtcdVars } from './vars.js';

export type Ctx = TaskContext<EtcdVars>;
export const t = task as TypedTask<EtcdVars>;

export const ETCD_CONFIG_DIR = '/etc/etcd';
export const ETCD_UNIT_PATH = '/etc/systemd/system/etcd.service';
export const ETCD_BIN_DIR = '/usr/local/bin';
/** GCE metadata: the instance's internal IP (the seed's INTERNAL_IP). */
export const METADATA_IP_URL = 'http://metadata.google.internal/computeMetadata/v1/instance/network-interfaces/0/ip';

/** Host paths of the certificates: the workstation files' names under /etc/etcd (`sudo cp ca.pem ... /etc/etcd/`). */
export function hostCertPaths(v: Pick<EtcdVars, 'etcdCaFile' | 'etcdCertFile' | 'etcdKeyFile'>) {
  return {
    caFile: `${ETCD_CONFIG_DIR}/${basename(v.etcdCaFile)}`,
    certFile: `${ETCD_CONFIG_DIR}/${basename(v.etcdCertFile)}`,
    keyFile: `${ETCD_CONFIG_DIR}/${basename(v.etcdKeyFile)}`,
  };
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** ETCD_NAME of a host: its `etcdName` var, else its inventory name (= `hostname -s` on KTHW). */
export function memberName(h: HostInfo): string {
  return str(h.vars.etcdName) ?? h.name;
}

/** Task names are prefixed (default ''), so the role can appear twice in a playbook. */
export type Namer = (s: string) => string;

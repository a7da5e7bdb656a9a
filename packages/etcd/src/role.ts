import { basename } from 'node:path';
import { task, TsplayError, type HostInfo, type Play, type Task, type TaskContext, type TypedTask } from '@tsplay/core';
import { command, copy, download, file, systemd, template, templateArgs, unarchive } from '@tsplay/modules';
import type { CommandResult, CopyResult, DownloadResult, FileResult, SystemdResult, TemplateResult, UnarchiveResult } from '@tsplay/modules';
import { etcdBootstrapGuard, type GuardVerdict } from './guard.js';
import { etcdUnit, type EtcdMember } from './unit.js';
import { checksumOf, tarballName, tarballUrl, type EtcdVars } from './vars.js';
import { etcdVerify, type VerifyResult } from './verify.js';

type Ctx = TaskContext<EtcdVars>;
const t = task as TypedTask<EtcdVars>;

export const ETCD_CONFIG_DIR = '/etc/etcd';
export const ETCD_UNIT_PATH = '/etc/systemd/system/etcd.service';
export const ETCD_BIN_DIR = '/usr/local/bin';
/** GCE metadata: the instance's internal IP (the seed's INTERNAL_IP). */
export const METADATA_IP_URL = 'http://metadata.google.internal/computeMetadata/v1/instance/network-interfaces/0/ip';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Host paths of the certificates: the workstation files' names under /etc/etcd (`sudo cp ca.pem ... /etc/etcd/`). */
export function hostCertPaths(v: Pick<EtcdVars, 'etcdCaFile' | 'etcdCertFile' | 'etcdKeyFile'>) {
  return {
    caFile: `${ETCD_CONFIG_DIR}/${basename(v.etcdCaFile)}`,
    certFile: `${ETCD_CONFIG_DIR}/${basename(v.etcdCertFile)}`,
    keyFile: `${ETCD_CONFIG_DIR}/${basename(v.etcdKeyFile)}`,
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** ETCD_NAME of a host: its `etcdName` var, else its inventory name (= `hostname -s` on KTHW). */
export function memberName(h: HostInfo): string {
  return str(h.vars.etcdName) ?? h.name;
}

export interface EtcdRoleOptions {
  /** Task names are prefixed with this (default ''), so the role can appear twice in a playbook. */
  prefix?: string;
}

/** The role's task handles (for `ctx.result`, `notifiedBy`, `when` in playbooks that extend it). */
export interface EtcdTasks {
  fetch: Task<typeof download, DownloadResult>;
  install: Task<typeof unarchive, UnarchiveResult>;
  configDir: Task<typeof file, FileResult>;
  dataDir: Task<typeof file, FileResult>;
  ca: Task<typeof copy, CopyResult>;
  cert: Task<typeof copy, CopyResult>;
  key: Task<typeof copy, CopyResult>;
  metadataIp: Task<typeof command, CommandResult>;
  unit: Task<typeof template, TemplateResult>;
  guard: Task<typeof etcdBootstrapGuard, GuardVerdict | undefined>;
  start: Task<typeof systemd, SystemdResult>;
  memberList: Task<typeof etcdVerify, VerifyResult>;
  health: Task<typeof etcdVerify, VerifyResult>;
}

/** Every task of the role by step, in order; `etcdRole` returns them as a list. */
export function etcdTasks(opts: EtcdRoleOptions = {}): EtcdTasks {
  const n = (s: string) => `${opts.prefix ?? ''}${s}`;
  const tarball = (v: EtcdVars) => `${v.etcdDownloadDir}/${tarballName(v)}`;

  // 1. wget --https-only the release tarball
  const fetch = t(download, (c) => ({ url: tarballUrl(c.vars), dest: tarball(c.vars), checksum: checksumOf(c.vars), mode: '0644' }), { name: n('download etcd') });
  // 2. tar -xvf; mv etcd-v*/etcd* /usr/local/bin/ (one task: the idempotence check unpacks the tarball once)
  const install = t(
    unarchive,
    (c) => ({ src: tarball(c.vars), dest: ETCD_BIN_DIR, include: ['*/etcd', '*/etcdctl'], stripComponents: 1, mode: '0755' }),
    { name: n('install etcd binaries') },
  );
  // 3. mkdir -p /etc/etcd /var/lib/etcd; chmod 700 /var/lib/etcd
  const configDir = t(file, { path: ETCD_CONFIG_DIR, state: 'directory' }, { name: n('etcd config dir') });
  const dataDir = t(file, (c) => ({ path: c.vars.etcdDataDir, state: 'directory' as const, mode: '0700' }), { name: n('etcd data dir') });
  // 4. cp ca.pem kubernetes-key.pem kubernetes.pem /etc/etcd/
  const ca = t(copy, (c) => ({ src: c.vars.etcdCaFile, dest: hostCertPaths(c.vars).caFile, mode: '0644' }), { name: n('etcd ca cert') });
  const cert = t(copy, (c) => ({ src: c.vars.etcdCertFile, dest: hostCertPaths(c.vars).certFile, mode: '0644' }), { name: n('etcd cert') });
  const key = t(copy, (c) => ({ src: c.vars.etcdKeyFile, dest: hostCertPaths(c.vars).keyFile, mode: '0600', secret: true }), { name: n('etcd key') });
  // 5. INTERNAL_IP=$(curl -H 'Metadata-Flavor: Google' .../network-interfaces/0/ip), unless the inventory says
  const metadataIp = t(
    command,
    {
      argv: ['curl', '-s', '--max-time', '5', '-H', 'Metadata-Flavor: Google', METADATA_IP_URL],
      readOnly: true,
      retries: 2,
      delayMs: 500,
      failedWhen: (r) => r.code !== 0 || !IPV4.test(r.stdout.trim()),
    },
    { name: n('internal ip from GCE metadata'), when: (c) => c.vars.internalIp === undefined },
  );
  const selfIp = (c: Ctx): string => {
    const ip = c.vars.internalIp ?? c.result(metadataIp)?.data?.stdout.trim();
    if (!ip) throw new TsplayError('VARS_INVALID', `no internal IP for ${c.host.name}`, { host: c.host.name, field: 'internalIp', hint: 'set internalIp in the inventory' });
    return ip;
  };
  /** The members: the hosts of etcdGroup with their internal IPs (this host's may come from metadata). */
  const members = (c: Ctx): EtcdMember[] => {
    const hosts = c.hosts(c.vars.etcdGroup);
    if (hosts.length === 0) {
      throw new TsplayError('INVENTORY_INVALID', `the inventory group ${c.vars.etcdGroup} (etcdGroup) has no hosts`, { host: c.host.name, field: 'etcdGroup' });
    }
    return hosts.map((h) => {
      const ip = h.name === c.host.name ? selfIp(c) : str(h.vars.internalIp);
      if (!ip) {
        throw new TsplayError('VARS_INVALID', `member ${h.name} has no internalIp var`, {
          host: c.host.name,
          field: 'internalIp',
          hint: `--initial-cluster needs every member's internal IP: set internalIp for ${h.name} in the inventory`,
        });
      }
      return { name: memberName(h), ip };
    });
  };
  const self = (c: Ctx): EtcdMember => ({ name: memberName(c.host), ip: selfIp(c) });
  // 6.-7. ETCD_NAME and the unit
  const unit = t(
    template,
    (c) =>
      templateArgs({
        dest: ETCD_UNIT_PATH,
        mode: '0644',
        template: etcdUnit,
        vars: {
          ...self(c),
          internalIp: selfIp(c),
          members: members(c),
          token: c.vars.etcdClusterToken,
          dataDir: c.vars.etcdDataDir,
          ...hostCertPaths(c.vars),
          clusterState: c.vars.etcdInitialClusterState,
        },
      }),
    { name: n('etcd.service') },
  );
  // beyond the seed: never re-bootstrap a member that lost its data into a running cluster
  const guard = t(
    etcdBootstrapGuard,
    (c) => {
      const me = self(c);
      return {
        dataDir: c.vars.etcdDataDir,
        self: me,
        peers: members(c).filter((m) => m.name !== me.name),
        clusterState: c.vars.etcdInitialClusterState,
        ...hostCertPaths(c.vars),
      };
    },
    { name: n('etcd bootstrap safety') },
  );
  // 8. daemon-reload, enable, start (--no-block + bounded wait: no deadlock on quorum). Restart when the unit or a
  // cert changed (durable: `notifiedBy`), or when this run replaced the etcd binary itself (a repaired etcdctl
  // alone does not restart the member).
  const replacedEtcd = (c: Ctx): boolean => {
    const r = c.result(install);
    return r?.changed === true && (r.data?.files.includes('etcd') ?? true);
  };
  const start = t(
    systemd,
    (c) => ({ name: 'etcd', state: 'started', enabled: true, daemonReload: true, restart: c.notified || replacedEtcd(c) }),
    { name: n('start etcd'), notifiedBy: [unit, ca, cert, key] },
  );
  const before = [fetch, install, configDir, dataDir, ca, cert, key, unit, start];
  // In check mode the cluster can only be verified when nothing it depends on would change.
  const verifiable = (c: Ctx) => !(c.check && c.changed(...before));
  // Retried in a real run (a just-started cluster needs a moment); check mode changes nothing, so once is enough.
  const verifyArgs = (c: Ctx, check: 'members' | 'health') => ({ check, members: members(c), ...hostCertPaths(c.vars), retries: c.check ? 0 : 120 });
  // 9. etcdctl member list: every inventory member started with its URLs; endpoint health
  const memberList = t(etcdVerify, (c) => verifyArgs(c, 'members'), { name: n('etcd member list'), when: verifiable });
  const health = t(etcdVerify, (c) => verifyArgs(c, 'health'), { name: n('etcd endpoint health'), when: verifiable });

  return { fetch, install, configDir, dataDir, ca, cert, key, metadataIp, unit, guard, start, memberList, health };
}


/** The role: KTHW chapter 07 as tasks, in the seed's order. */
export function etcdRole(opts: EtcdRoleOptions = {}): Task[] {
  return Object.values(etcdTasks(opts)) as Task[];
}

export interface EtcdPlayOptions extends EtcdRoleOptions {
  /** Host pattern of the play (default `controllers`; keep it equal to the etcdGroup var). */
  hosts?: string;
  name?: string;
}

export function etcdPlay(opts: EtcdPlayOptions = {}): Play {
  return { name: opts.name ?? 'etcd', hosts: opts.hosts ?? 'controllers', become: true, tasks: etcdRole(opts) };
}

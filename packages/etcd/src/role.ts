import { basename } from 'node:path';
import { task, TsplayError, type HostInfo, type Play, type Task, type TaskContext, type TypedTask } from '@tsplay/core';
import { command, copy, download, file, systemd, template, templateArgs, unarchive } from '@tsplay/modules';
import type { CommandResult, CopyResult, DownloadResult, FileResult, SystemdResult, TemplateResult, UnarchiveResult } from '@tsplay/modules';
import { etcdRestartState } from './day2/rolling.js';
import type { RestartNeed } from './day2/rolling-state.js';
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
  hostname: Task<typeof command, CommandResult>;
  unit: Task<typeof template, TemplateResult>;
  guard: Task<typeof etcdBootstrapGuard, GuardVerdict | undefined>;
  start: Task<typeof systemd, SystemdResult>;
  memberList: Task<typeof etcdVerify, VerifyResult>;
  health: Task<typeof etcdVerify, VerifyResult>;
  restartState: Task<typeof etcdRestartState, RestartNeed | undefined>;
}

/** The role's tasks and how it names the members (for plays that extend it, e.g. the rolling restart). */
export interface EtcdRoleParts {
  tasks: EtcdTasks;
  /** Every member (etcdGroup) with its name and internal IP, as the unit's --initial-cluster lists them. */
  members(c: Ctx): EtcdMember[];
  /** This host as a member. */
  self(c: Ctx): EtcdMember;
}

/** Every task of the role by step, in order; `etcdRole` returns them as a list. */
export function etcdTasks(opts: EtcdRoleOptions = {}): EtcdTasks {
  return etcdRoleParts(opts).tasks;
}

export function etcdRoleParts(opts: EtcdRoleOptions = {}): EtcdRoleParts {
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
  // 6. ETCD_NAME=$(hostname -s), on the seed path (no internalIp and no etcdName in the inventory)
  const hostname = t(command, { argv: ['hostname', '-s'], readOnly: true, failedWhen: (r) => r.code !== 0 || !/^[A-Za-z0-9._-]+$/.test(r.stdout.trim()) }, {
    name: n('etcd name from hostname -s'),
    when: (c) => c.vars.internalIp === undefined && c.vars.etcdName === undefined,
  });
  /** A host's internal IP: its internalIp var, else its own metadata answer in this run. */
  const ipOf = (c: Ctx, h: HostInfo): string | undefined => {
    const own = h.name === c.host.name;
    const v = own ? c.vars.internalIp : str(h.vars.internalIp);
    return v ?? (own ? c.result(metadataIp) : c.resultOf(h.name, metadataIp))?.data?.stdout.trim();
  };
  /** ETCD_NAME: etcdName, else (seed path: no internalIp) `hostname -s` there, else the inventory name. */
  const nameOf = (c: Ctx, h: HostInfo): string => {
    const own = h.name === c.host.name;
    const set = own ? c.vars.etcdName : str(h.vars.etcdName);
    if (set !== undefined) return set;
    if ((own ? c.vars.internalIp : str(h.vars.internalIp)) !== undefined) return h.name;
    return (own ? c.result(hostname) : c.resultOf(h.name, hostname))?.data?.stdout.trim() || h.name;
  };
  const selfIp = (c: Ctx): string => {
    const ip = ipOf(c, c.host);
    if (!ip) throw new TsplayError('VARS_INVALID', `no internal IP for ${c.host.name}`, { host: c.host.name, field: 'internalIp', hint: 'set internalIp in the inventory' });
    return ip;
  };
  /** The members: the hosts of etcdGroup with their names and internal IPs (from the inventory or the hosts). */
  const members = (c: Ctx): EtcdMember[] => {
    const hosts = c.hosts(c.vars.etcdGroup);
    if (hosts.length === 0) {
      throw new TsplayError('INVENTORY_INVALID', `the inventory group ${c.vars.etcdGroup} (etcdGroup) has no hosts`, { host: c.host.name, field: 'etcdGroup' });
    }
    return hosts.map((h) => {
      const ip = ipOf(c, h);
      if (!ip) {
        throw new TsplayError('VARS_INVALID', `member ${h.name} has no internalIp var`, {
          host: c.host.name,
          field: 'internalIp',
          hint: `--initial-cluster needs every member's internal IP: set internalIp for ${h.name} in the inventory, or run without --limit so that ${h.name} reads it from its metadata server`,
        });
      }
      return { name: nameOf(c, h), ip };
    });
  };
  const self = (c: Ctx): EtcdMember => ({ name: nameOf(c, c.host), ip: selfIp(c) });
  // 7. the unit
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
  // 8. daemon-reload, enable, start (--no-block + bounded wait: no deadlock on quorum). Restart when the unit
  // changed (durable: `notifiedBy`), or when this run replaced the etcd binary itself (a repaired etcdctl alone
  // does not restart the member). Changed certificates do not restart here: the rolling plays restart running
  // members one at a time (etcdPlays, day2/rolling.ts), while a fresh cluster starts here all together.
  const replacedEtcd = (c: Ctx): boolean => {
    const r = c.result(install);
    return r?.changed === true && (r.data?.files.includes('etcd') ?? true);
  };
  const start = t(
    systemd,
    (c) => ({ name: 'etcd', state: 'started', enabled: true, daemonReload: true, restart: c.notified || replacedEtcd(c) }),
    { name: n('start etcd'), notifiedBy: [unit] },
  );
  /** Check mode: `start etcd` would start or restart etcd (after the files), so no rolling restart is due. */
  const startActs = (c: Ctx): boolean => {
    const acts = c.result(start)?.data?.actions ?? [];
    return acts.includes('restart') || acts.includes('start');
  };
  const before = [fetch, install, configDir, dataDir, ca, cert, key, unit, start];
  // In check mode the cluster can only be verified when nothing it depends on would change.
  const verifiable = (c: Ctx) => !(c.check && c.changed(...before));
  // Retried in a real run (a just-started cluster needs a moment); check mode changes nothing, so once is enough.
  const verifyArgs = (c: Ctx, check: 'members' | 'health') => ({ check, members: members(c), ...hostCertPaths(c.vars), retries: c.check ? 0 : 120 });
  // 9. etcdctl member list: every inventory member started with its URLs; endpoint health
  const memberList = t(etcdVerify, (c) => verifyArgs(c, 'members'), { name: n('etcd member list'), when: verifiable });
  const health = t(etcdVerify, (c) => verifyArgs(c, 'health'), { name: n('etcd endpoint health'), when: verifiable });

  // beyond the seed: does a running member still run with older certificates? (read-only; the rolling plays act on it)
  const restartState = t(
    etcdRestartState,
    (c) => ({
      watch: Object.values(hostCertPaths(c.vars)),
      // check mode only: the copies have not happened, so their ctimes cannot tell yet
      pending: c.check && c.changed(ca, cert, key),
      restartedAnyway: c.check && startActs(c),
      ...hostCertPaths(c.vars),
    }),
    { name: n('etcd restart needed') },
  );

  return { tasks: { fetch, install, configDir, dataDir, ca, cert, key, metadataIp, hostname, unit, guard, start, memberList, health, restartState }, members, self };
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

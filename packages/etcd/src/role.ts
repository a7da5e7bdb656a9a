import type { Play, Task } from '@tsplay/core';
import type { command, copy, download, file, systemd, template, unarchive } from '@tsplay/modules';
import type {
  CommandResult,
  CopyResult,
  DownloadResult,
  FileResult,
  SystemdResult,
  TemplateResult,
  UnarchiveResult,
} from '@tsplay/modules';
import type { etcdRestartState } from './day2/rolling.js';
import type { RestartNeed } from './day2/rolling-state.js';
import type { etcdBootstrapGuard, GuardVerdict } from './guard.js';
import type { Ctx } from './role-common.js';
import { fileTasks } from './role-files.js';
import { membership, probeTasks } from './role-members.js';
import { guardTask, restartStateTask, startTask, unitTask, verifyTasks } from './role-run.js';
import type { EtcdMember } from './unit.js';
import type { etcdVerify, VerifyResult } from './verify.js';

export { ETCD_BIN_DIR, ETCD_CONFIG_DIR, ETCD_UNIT_PATH, METADATA_IP_URL, hostCertPaths, memberName } from './role-common.js';

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
  const files = fileTasks(n);
  const probes = probeTasks(n);
  const m = membership(probes);
  const unit = unitTask(n, m);
  const guard = guardTask(n, m);
  const start = startTask(n, files.install, unit);
  const before = [files.fetch, files.install, files.configDir, files.dataDir, files.ca, files.cert, files.key, unit, start];
  const checks = verifyTasks(n, m, before);
  const restartState = restartStateTask(n, files, start);
  return { tasks: { ...files, ...probes, unit, guard, start, ...checks, restartState }, members: m.members, self: m.self };
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

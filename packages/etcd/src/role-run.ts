/** The role's steps 7-9 and what it adds to the seed: the unit, the bootstrap guard, start, verification, restart state. */
import type { Task } from '@tsplay/core';
import { systemd, template, templateArgs, type SystemdResult, type UnarchiveResult } from '@tsplay/modules';
import type { unarchive } from '@tsplay/modules';
import { restartWatch } from './day2/certs-roll.js';
import { etcdRestartState } from './day2/rolling.js';
import { etcdBootstrapGuard } from './guard.js';
import { ETCD_UNIT_PATH, hostCertPaths, t, type Ctx, type Namer } from './role-common.js';
import type { fileTasks } from './role-files.js';
import type { Membership } from './role-members.js';
import { etcdUnit } from './unit.js';
import { etcdVerify } from './verify.js';

type Files = ReturnType<typeof fileTasks>;

// 7. the unit (every value in it passed the schemas of vars.ts, the other members' in role-members.ts)
export function unitTask(n: Namer, m: Membership) {
  return t(
    template,
    (c) =>
      templateArgs({
        dest: ETCD_UNIT_PATH,
        mode: '0644',
        template: etcdUnit,
        vars: {
          ...m.self(c),
          internalIp: m.self(c).ip,
          members: m.members(c),
          token: c.vars.etcdClusterToken,
          dataDir: c.vars.etcdDataDir,
          ...hostCertPaths(c.vars),
          clusterState: c.vars.etcdInitialClusterState,
          autoCompactionMode: c.vars.etcdAutoCompactionMode,
          autoCompactionRetention: c.vars.etcdAutoCompactionRetention,
          quotaBackendBytes: c.vars.etcdQuotaBackendBytes,
        },
      }),
    { name: n('etcd.service') },
  );
}

// beyond the seed: never re-bootstrap a member that lost its data into a running cluster
export function guardTask(n: Namer, m: Membership) {
  return t(
    etcdBootstrapGuard,
    (c) => {
      const me = m.self(c);
      const peers = m.members(c).filter((x) => x.name !== me.name);
      return { dataDir: c.vars.etcdDataDir, self: me, peers, clusterState: c.vars.etcdInitialClusterState, ...hostCertPaths(c.vars) };
    },
    { name: n('etcd bootstrap safety') },
  );
}

// 8. daemon-reload, enable, start (--no-block + bounded wait: no deadlock on quorum). Restart when the unit
// changed (durable: `notifiedBy`), or when this run replaced the etcd binary itself (a repaired etcdctl alone
// does not restart the member). Changed certificates do not restart here: the rolling plays restart running
// members one at a time (etcdPlays, day2/rolling.ts), while a fresh cluster starts here all together.
// A barrier: no member starts before every host has run the bootstrap safety probe (which asks the peers),
// and the members of a new cluster start at once (one that starts alone waits for its quorum).
export function startTask(n: Namer, install: Task<typeof unarchive, UnarchiveResult>, unit: Task) {
  const replacedEtcd = (c: Ctx): boolean => {
    const r = c.result(install);
    return r?.changed === true && (r.data?.files.includes('etcd') ?? true);
  };
  return t(
    systemd,
    (c) => ({ name: 'etcd', state: 'started', enabled: true, daemonReload: true, restart: c.notified || replacedEtcd(c) }),
    {
      name: n('start etcd'),
      notifiedBy: [unit],
      barrier: true,
    },
  );
}

// 9. etcdctl member list: every inventory member started with its URLs; endpoint health
export function verifyTasks(n: Namer, m: Membership, before: Task[]) {
  // In check mode the cluster can only be verified when nothing it depends on would change.
  const verifiable = (c: Ctx) => !(c.check && c.changed(...before));
  // Retried in a real run (a just-started cluster needs a moment); check mode changes nothing, so once is enough.
  const args = (c: Ctx, check: 'members' | 'health') => ({
    check,
    members: m.members(c),
    ...hostCertPaths(c.vars),
    retries: c.check ? 0 : 120,
  });
  return {
    memberList: t(etcdVerify, (c) => args(c, 'members'), { name: n('etcd member list'), when: verifiable }),
    health: t(etcdVerify, (c) => args(c, 'health'), { name: n('etcd endpoint health'), when: verifiable }),
  };
}

// beyond the seed: does a running member still run with an older CA file? (read-only; the rolling plays act on it)
// Only the CA file is watched (restartWatch): etcd reads its cert and key again at every new TLS handshake.
export function restartStateTask(n: Namer, f: Pick<Files, 'ca' | 'cert' | 'key'>, start: Task<typeof systemd, SystemdResult>) {
  /** Check mode: `start etcd` would start or restart etcd (after the files), so no rolling restart is due. */
  const startActs = (c: Ctx): boolean => {
    const acts = c.result(start)?.data?.actions ?? [];
    return acts.includes('restart') || acts.includes('start');
  };
  return t(
    etcdRestartState,
    (c) => ({
      watch: restartWatch(c.vars),
      // check mode only: the copy has not happened, so its ctime cannot tell yet
      pending: c.check && c.changed(f.ca),
      restartedAnyway: c.check && startActs(c),
      ...hostCertPaths(c.vars),
    }),
    { name: n('etcd restart needed') },
  );
}

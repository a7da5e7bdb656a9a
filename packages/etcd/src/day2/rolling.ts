/**
 * Rolling member restarts. `etcd-restart-state` (read-only, on every member at once) says whether a
 * running member must restart to load changed certificates (see rolling-state.ts); `etcd-rolling-restart`
 * restarts one member, in a `serial: 1` play: the other members healthy first, leadership moved away when
 * it leads, restart, healthy and caught up afterwards (rolling-steps.ts). A fresh cluster is never
 * restarted this way: its members start together in the converge play, after the files were written.
 */
import { defineModule } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { etcdctlArg, hostPath, memberArg, tlsArgs } from '../schemas.js';
import { judgeRestart, parseRestartState, RESTART_SHOW, restartStateScript, type RestartNeed } from './rolling-state.js';
import { rollMember } from './rolling-steps.js';

/** Codes of the rolling restart beside the day-2 ones (ETCD_UNHEALTHY for the gate). */
export const ETCD_ROLLING_CODES = ['ETCD_UNHEALTHY', 'ETCD_ROLLING_FAILED'] as const;

export const restartStateArgs = z.object({
  /** Files etcd reads only when it starts: the CA file on the host (certs-roll.ts, `restartWatch`). */
  watch: z.array(hostPath('watch')).min(1),
  /** Check mode: an earlier task of this run would change a watched file. */
  pending: z.boolean().default(false),
  /** An earlier task of this run (re)starts etcd anyway. */
  restartedAnyway: z.boolean().default(false),
  ...tlsArgs,
  ...etcdctlArg,
});

// the key says whether the status is read whatever the files say (check mode, a change pending)
const stateFact = (a: z.output<typeof restartStateArgs>) =>
  commandFact(
    `etcd-restart-state:${a.pending ? 'pending:' : ''}${a.watch.join(',')}`,
    restartStateScript(a),
    (r) => parseRestartState(r.stdout),
    { become: true, unitShow: RESTART_SHOW },
  );

export const etcdRestartState = defineModule({
  name: 'etcd-restart-state',
  args: restartStateArgs,
  facts: (a) => ({ state: stateFact(a) }),
  plan: (f, a) => {
    const n = judgeRestart(f.state, a);
    return {
      changed: false,
      summary: `${n.need ? 'restart needed' : 'no restart'}: ${n.reason}${n.leader ? ' (the leader)' : ''}`,
      data: n,
    };
  },
  resultFromPlan: (p): RestartNeed | undefined => p.data,
});

export const rollingArgs = restartStateArgs.extend({
  self: memberArg,
  /** Every member of the cluster (their client URLs). */
  members: z.array(memberArg).min(1),
  /** This run already restarted the member (an earlier rolling play). */
  done: z.boolean().default(false),
  timeoutMs: z.number().int().positive().default(120_000),
});
export type RollingArgs = z.output<typeof rollingArgs>;

export const etcdRollingRestart = defineModule({
  name: 'etcd-rolling-restart',
  args: rollingArgs,
  facts: (a) => ({ state: stateFact(a) }),
  plan: (f, a) => {
    const n = judgeRestart(f.state, a);
    if (!n.need) return { changed: false, summary: `no restart: ${n.reason}` };
    return {
      changed: true,
      summary: `would restart ${a.self.name} (${n.reason})${n.leader ? ', after moving leadership away' : ''}, then wait for health`,
    };
  },
  apply: async (ctx, a) => {
    const done = await rollMember(ctx, a);
    return { changed: true, data: { restarted: a.self.name }, stdout: done.join('; ') };
  },
});

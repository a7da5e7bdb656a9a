/**
 * The apply side of defragmenting one member, on the member itself, as a step of the rolling restart's
 * (rolling-steps.ts `memberStep`): its gates and move-leader, `etcdctl defrag` on this member's endpoint only
 * instead of the restart, then the same wait until it is healthy and caught up. A defrag blocks the member's
 * backend (reads, writes and applies through it wait) for as long as it copies the live data.
 */
import { TsplayError, type ApplyContext } from '@tsplay/modules/kit';
import { clientUrl } from '../unit.js';
import { nospaceOnly, parseDbUsage, type DbUsage } from './defrag-judge.js';
import { etcdctl, type EtcdctlTarget } from './probe.js';
import { memberStep, type RollingTarget } from './rolling-steps.js';
import { lastError, runRoot } from './steps.js';

export interface DefragTarget extends RollingTarget {
  /** etcdctl's --command-timeout for the defrag itself. */
  defragTimeoutS: number;
}

const HINT = 'journalctl -u etcd on the member, etcdctl endpoint status --cluster; a re-run defragments what is left';
const own = (a: DefragTarget): EtcdctlTarget => ({ ...a, endpoints: [clientUrl(a.self.ip)] });
/** This member's db usage, as it reports it. */
export async function usageOf(ctx: ApplyContext, a: DefragTarget): Promise<DbUsage | undefined> {
  const r = await runRoot(ctx, etcdctl(own(a), ['endpoint', 'status', '-w', 'json']));
  try {
    return parseDbUsage(r.stdout)[0];
  } catch {
    return undefined;
  }
}

/** The defrag of one member; returns what was done. */
export function defragMember(ctx: ApplyContext, a: DefragTarget): Promise<string[]> {
  return memberStep(ctx, a, {
    doing: 'defragmenting',
    done: 'defragmented',
    code: 'ETCD_DEFRAG_FAILED',
    hint: HINT,
    // the NOSPACE recovery defragments members that only its alarm makes "unhealthy" (etcdctl 3.5)
    tolerate: nospaceOnly,
    gateNeedsSelf: true,
    back: `${a.self.name} healthy after the defrag`,
    backDeadline: (deadline) => Math.max(deadline, Date.now() + 30_000),
    act: async () => {
      const t0 = Date.now();
      const cmd = etcdctl(own(a), ['defrag', `--command-timeout=${a.defragTimeoutS}s`]);
      const r = await ctx.conn.exec(cmd, { become: true, timeoutMs: (a.defragTimeoutS + 15) * 1000 });
      if (r.code !== 0) {
        throw new TsplayError('ETCD_DEFRAG_FAILED', `etcdctl defrag on ${a.self.name} failed: ${lastError(r)}`, {
          host: ctx.host,
          task: ctx.task,
          hint: HINT,
        });
      }
      return `defragmented in ${Date.now() - t0} ms`;
    },
  });
}

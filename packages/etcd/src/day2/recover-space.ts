/**
 * The NOSPACE recovery (etcd-recover-space.ts), beside the defrag of every member (defrag.ts):
 * - `etcd-compact` (runOnce): compact the keyspace to the current revision (`--physical`: returns when the
 *   freed pages are free), so the defrag can give them back;
 * - `etcd-alarm-disarm` (runOnce): `alarm disarm` when a NOSPACE alarm is raised, then the alarm list must be
 *   empty of it;
 * - `etcd-write-probe` (runOnce): a put, a get and a delete of a probe key through every member's endpoint:
 *   the proof that writes succeed again. It leaves no key (only the revision moves), so it reports no change.
 * The pure parts (revision, compaction outcome, the probe's script and verdict) are in recover-space-scripts.ts.
 */
import { defineFact, defineModule, TsplayError, type ApplyContext } from '@tsplay/modules/kit';
import { z } from 'zod';
import { etcdctlArg, memberArg, tlsArgs } from '../schemas.js';
import { clientUrl } from '../unit.js';
import { parseAlarms } from './status.js';
import {
  compactOutcome,
  parseRevision,
  parseRevisionProbe,
  parseWriteProbe,
  probeKey,
  QUOTA_HINT,
  revisionScript,
  writeProbeScript,
} from './recover-space-scripts.js';
import { etcdctl, type EtcdctlTarget } from './probe.js';
import { lastError, retryUntil, runRoot } from './steps.js';

const clusterArgs = z.object({
  /** Every member of the cluster (their client URLs). */
  members: z.array(memberArg).min(1),
  ...etcdctlArg,
  ...tlsArgs,
});
type ClusterArgs = z.output<typeof clusterArgs>;
const all = (a: ClusterArgs): EtcdctlTarget => ({ ...a, endpoints: a.members.map((m) => clientUrl(m.ip)) });

const statusFact = defineFact({
  module: 'etcd-recover-space',
  name: 'revision',
  become: true,
  id: (a: ClusterArgs) => a.members.map((m) => m.ip),
  script: (a: ClusterArgs) => revisionScript(all(a)),
  parse: (r) => parseRevisionProbe(r.stdout),
});

const alarmFact = defineFact({
  module: 'etcd-recover-space',
  name: 'alarms',
  become: true,
  id: (a: ClusterArgs) => a.members.map((m) => m.ip),
  script: (a: ClusterArgs) => `${etcdctl(all(a), ['alarm', 'list', '-w', 'json'])} 2>&1`,
  parse: (r) => {
    try {
      return parseAlarms(r.stdout);
    } catch (e) {
      return (e as Error).message;
    }
  },
});

const fail = (ctx: ApplyContext, msg: string, hint: string) =>
  new TsplayError('ETCD_RECOVER_FAILED', msg, { host: ctx.host, task: ctx.task, hint });

export const compactArgs = clusterArgs.extend({
  /** Compact only when true (the preflight saw a NOSPACE alarm): a healthy cluster is left alone. */
  when: z.boolean(),
  timeoutS: z.number().int().positive().default(300),
});

export const etcdCompact = defineModule({
  name: 'etcd-compact',
  args: compactArgs,
  facts: (a) => ({ revision: statusFact(a) }),
  plan: (f, a) => {
    if (!a.when) return { changed: false, summary: 'no NOSPACE alarm: no compaction' };
    if (typeof f.revision !== 'string' && f.revision.compacted)
      return { changed: false, summary: `already compacted to the current revision ${f.revision.revision}` };
    const rev = typeof f.revision === 'string' ? 'the current revision' : `revision ${f.revision.revision}`;
    return { changed: true, summary: `would compact the keyspace to ${rev} (physical), so the defrag gives the space back` };
  },
  apply: async (ctx, a) => {
    const s = await runRoot(ctx, `${etcdctl(all(a), ['endpoint', 'status', '-w', 'json'])} 2>&1`);
    const rev = parseRevision(s.stdout);
    if (typeof rev === 'string')
      throw fail(ctx, `the current revision is unknown: ${rev}`, 'etcdctl endpoint status --cluster on a member');
    const r = await ctx.conn.exec(etcdctl(all(a), ['compact', String(rev), '--physical', `--command-timeout=${a.timeoutS}s`]), {
      become: true,
      timeoutMs: (a.timeoutS + 15) * 1000,
    });
    const out = compactOutcome(r.code, `${r.stdout}\n${r.stderr}`);
    if (out === 'failed')
      throw fail(ctx, `etcdctl compact ${rev} failed: ${lastError(r)}`, 'etcdctl compact by hand; no member was defragmented yet');
    return {
      changed: out === 'compacted',
      stdout: out === 'compacted' ? `compacted to revision ${rev}` : `revision ${rev} was already compacted`,
    };
  },
});

export const etcdAlarmDisarm = defineModule({
  name: 'etcd-alarm-disarm',
  args: clusterArgs,
  facts: (a) => ({ alarms: alarmFact(a) }),
  plan: (f, _a, ctx) => {
    if (typeof f.alarms === 'string') {
      if (ctx.check) return { changed: false, unknown: `alarm list: ${f.alarms}` };
      throw new TsplayError('ETCD_RECOVER_FAILED', `alarm list: ${f.alarms}`, { host: ctx.host, hint: 'etcdctl alarm list on a member' });
    }
    const nospace = f.alarms.filter((x) => x.alarm === 'NOSPACE');
    if (nospace.length === 0) return { changed: false, summary: 'no NOSPACE alarm' };
    return { changed: true, summary: `would disarm NOSPACE on ${nospace.map((x) => x.memberId).join(', ')}` };
  },
  apply: async (ctx, a) => {
    const r = await runRoot(ctx, etcdctl(all(a), ['alarm', 'disarm']));
    if (r.code !== 0) throw fail(ctx, `etcdctl alarm disarm failed: ${lastError(r)}`, 'etcdctl alarm disarm by hand');
    const left = await runRoot(ctx, `${etcdctl(all(a), ['alarm', 'list', '-w', 'json'])} 2>&1`);
    const alarms = parseAlarms(left.stdout);
    if (alarms.some((x) => x.alarm === 'NOSPACE')) throw fail(ctx, 'the NOSPACE alarm is still raised after alarm disarm', QUOTA_HINT);
    return { changed: true, stdout: 'NOSPACE disarmed; alarm list empty of it' };
  },
});

export const writeProbeArgs = clusterArgs.extend({
  /** The probe key's name part (the host that runs it). */
  name: z.string().regex(/^[A-Za-z0-9._-]+$/),
  timeoutMs: z.number().int().positive().default(15_000),
});

export const etcdWriteProbe = defineModule({
  name: 'etcd-write-probe',
  args: writeProbeArgs,
  facts: () => ({}),
  plan: (_f, a) => ({ changed: false, run: true, summary: `would put, get and delete ${probeKey(a.name)} through every member` }),
  apply: async (ctx, a) => {
    const value = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const script = writeProbeScript(all(a), probeKey(a.name), value);
    await retryUntil(
      ctx,
      'ETCD_RECOVER_FAILED',
      `the write probe (${probeKey(a.name)})`,
      Date.now() + a.timeoutMs,
      async () => {
        const v = parseWriteProbe((await runRoot(ctx, script)).stdout, value);
        return v === true ? { ok: true } : v;
      },
      QUOTA_HINT,
    );
    return { changed: false, stdout: `put, get and delete of ${probeKey(a.name)} succeeded` };
  },
});

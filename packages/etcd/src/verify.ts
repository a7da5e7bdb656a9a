/**
 * The seed's verification as a task: `etcdctl member list` (and `endpoint health`), parsed and
 * compared with the inventory. Read-only, so it runs in check mode too; retried so a cluster that
 * was just started has time to form. The first try is one fact for both checks (verify-probe.ts).
 */
import { defineModule, sh, TsplayError, type ApplyContext, type ExecResult, type Plan } from '@tsplay/core';
import { execFact, sleep } from '@tsplay/core/module';
import { z } from 'zod';
import { endpointArg, etcdctlArg, memberArg, tlsArgs } from './schemas.js';
import { memberProblems, parseEndpointHealth, parseMemberListJson, type EndpointHealth, type MemberStatus } from './members.js';
import { clusterProbeCommand, judgeClusterProbe } from './verify-probe.js';

export const verifyArgs = z.object({
  check: z.enum(['members', 'health']),
  /** The members the inventory expects (name + internal IP). */
  members: z.array(memberArg).min(1),
  ...endpointArg,
  ...etcdctlArg,
  ...tlsArgs,
  retries: z.number().int().min(0).default(120),
  // short: a cluster that was just started usually forms within a second; 120 x 250 ms = 30 s in all
  delayMs: z.number().int().min(0).default(250),
  /** Per etcdctl call (`--command-timeout`). */
  commandTimeoutMs: z.number().int().positive().default(5_000),
});
export type VerifyArgs = z.output<typeof verifyArgs>;
const ETCDCTL_ENV = { ETCDCTL_API: '3' };

export interface VerifyResult {
  members?: MemberStatus[] | undefined;
  health?: EndpointHealth[] | undefined;
  attempts: number;
}

export function etcdctlCommand(a: VerifyArgs): string {
  const common = [
    `--endpoints=${a.endpoint}`,
    `--cacert=${a.caFile}`,
    `--cert=${a.certFile}`,
    `--key=${a.keyFile}`,
    `--command-timeout=${Math.ceil(a.commandTimeoutMs / 1000)}s`,
    '-w',
    'json',
  ];
  const sub = a.check === 'members' ? ['member', 'list'] : ['endpoint', 'health'];
  return sh`${a.etcdctl} ${sub} ${common}`;
}

/** Pure: the problems one attempt's output shows ([] when the check passes). */
export function judgeVerify(
  a: VerifyArgs,
  r: { code: number; stdout: string; stderr: string },
): { problems: string[]; result: Omit<VerifyResult, 'attempts'> } {
  const why = () =>
    (
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('{"level"'))
        .pop() ?? `exit ${r.code}`
    ).slice(0, 300);
  try {
    if (a.check === 'members') {
      if (r.code !== 0) return { problems: [`etcdctl member list failed: ${why()}`], result: {} };
      const members = parseMemberListJson(r.stdout).members;
      return { problems: memberProblems(members, a.members), result: { members } };
    }
    const health = parseEndpointHealth(r.stdout);
    const bad = health.filter((h) => !h.health).map((h) => `${h.endpoint} is unhealthy${h.error ? `: ${h.error}` : ''}`);
    if (r.code !== 0 && bad.length === 0) bad.push(`etcdctl endpoint health failed: ${why()}`);
    return { problems: bad, result: { health } };
  } catch (e) {
    return { problems: [r.code !== 0 ? `etcdctl failed: ${why()}` : (e as Error).message], result: {} };
  }
}

const passed = (a: VerifyArgs, data: Omit<VerifyResult, 'attempts'>): string =>
  a.check === 'members' ? `${data.members?.length ?? 0} members started` : `${a.endpoint} healthy`;

async function verify(ctx: ApplyContext, a: VerifyArgs) {
  let problems: string[] = [];
  for (let attempt = 1; attempt <= a.retries + 1; attempt++) {
    if (attempt > 1) {
      ctx.log(`etcd ${a.check}: ${problems.join('; ')}; retry ${attempt - 1}/${a.retries} in ${a.delayMs} ms`);
      await sleep(a.delayMs, ctx.signal);
    }
    if (ctx.signal.aborted) throw new TsplayError('INTERRUPTED', 'interrupted while verifying etcd', { host: ctx.host, task: ctx.task });
    const r = await ctx.conn.exec(etcdctlCommand(a), { become: ctx.become, env: ETCDCTL_ENV, timeoutMs: a.commandTimeoutMs + 10_000 });
    const j = judgeVerify(a, r);
    problems = j.problems;
    if (problems.length === 0) {
      return { changed: false, data: { ...j.result, attempts: attempt }, stdout: passed(a, j.result) };
    }
  }
  throw new TsplayError('VERIFY_FAILED', `the etcd cluster is not what the inventory says: ${problems.join('; ')}`, {
    host: ctx.host,
    task: ctx.task,
    hint: `expected ${a.members.map((m) => `${m.name}=https://${m.ip}:2380`).join(',')} all started and healthy; look at \`journalctl -u etcd\` on the members`,
  });
}

/**
 * The first try is a fact, so it runs in the host's batched probe: a converged cluster is verified
 * with no round trip of its own, and both checks share it (one curl, verify-probe.ts). When it finds a
 * problem (a cluster still forming, no curl on the host), apply asks etcdctl, with retries.
 */
function planVerify(first: ExecResult, a: VerifyArgs): Plan<VerifyResult> {
  const summary = `etcd ${a.check === 'members' ? 'member list' : 'endpoint health'} (${a.endpoint})`;
  const j = judgeClusterProbe(a, first);
  if (j.problems.length > 0) return { changed: false, run: true, summary };
  return { changed: false, summary, data: { ...j.result, attempts: 1 }, stdout: passed(a, j.result) };
}

export const etcdVerify = defineModule({
  name: 'etcd-verify',
  args: verifyArgs,
  facts: (a, ctx) => ({ first: execFact(clusterProbeCommand(a), { become: ctx.become }) }),
  plan: (f, a) => planVerify(f.first, a),
  readOnly: () => true,
  resultFromPlan: (plan) => plan.data,
  apply: (ctx, a): Promise<{ changed: boolean; data: VerifyResult; stdout: string }> => verify(ctx, a),
});

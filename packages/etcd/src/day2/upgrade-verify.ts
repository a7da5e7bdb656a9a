/**
 * `etcd-upgrade-settled`: the last step of etcd-upgrade.ts (once, read-only). Every member's `/version`
 * must say the target release, and the cluster version the target's minor (`3.5.0`): the leader raises it
 * a few seconds after the last member came back. A real run waits for that within the budget
 * (ETCD_UPGRADE_FAILED otherwise); check mode and an upgraded cluster only report it. Never `changed`.
 */
import { defineModule, raw, sh, TsplayError, type ApplyContext } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { memberArg, tlsArgs } from '../schemas.js';
import { parseVersionJson } from './status.js';
import { runRoot } from './steps.js';
import { versionCurl } from './upgrade-probe.js';
import { parseSemver } from './version.js';

export const upgradeSettledArgs = z.object({
  members: z.array(memberArg).min(1),
  version: z.string().min(1),
  timeoutMs: z.number().int().positive().default(60_000),
  ...tlsArgs,
});
export type UpgradeSettledArgs = z.output<typeof upgradeSettledArgs>;

export interface MemberVersion {
  name: string;
  server: string;
  cluster: string;
}

export function settledScript(a: UpgradeSettledArgs): string {
  return a.members.map((m) => sh`printf '@@%s ' ${m.name}; ${raw(versionCurl(a, m.ip))} 2>/dev/null | head -c 500; echo`).join('\n');
}

/** Pure. */
export function parseSettled(out: string): MemberVersion[] {
  return [...out.matchAll(/^@@(\S+) (.*)$/gm)].map((m) => {
    try {
      const v = parseVersionJson(m[2] ?? '');
      return { name: m[1] ?? '', server: v.server, cluster: v.cluster };
    } catch {
      return { name: m[1] ?? '', server: '', cluster: '' };
    }
  });
}

/** Pure: '' when every member runs `version` and the cluster version is its minor, else what is not yet so. */
export function unsettled(vs: readonly MemberVersion[], a: UpgradeSettledArgs): string {
  const to = parseSemver(a.version);
  const cluster = to ? `${to.major}.${to.minor}.0` : a.version;
  const off = a.members
    .map((m) => vs.find((v) => v.name === m.name) ?? { name: m.name, server: '', cluster: '' })
    .filter((v) => v.server !== a.version || v.cluster !== cluster);
  return off.map((v) => `${v.name}: etcdserver ${v.server || '?'}, etcdcluster ${v.cluster || '?'}`).join('; ');
}

async function settle(ctx: ApplyContext, a: UpgradeSettledArgs) {
  const deadline = Date.now() + a.timeoutMs;
  for (;;) {
    const why = unsettled(parseSettled((await runRoot(ctx, settledScript(a))).stdout), a);
    if (why === '') return { changed: false, stdout: `every member runs ${a.version}; the cluster version is raised` };
    if (Date.now() > deadline || ctx.signal.aborted) {
      throw new TsplayError('ETCD_UPGRADE_FAILED', `the upgrade to ${a.version} did not settle: ${why}`, {
        host: ctx.host,
        task: ctx.task,
        hint: 'etcdctl endpoint status -w table on a member; a re-run upgrades what is left',
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const etcdUpgradeSettled = defineModule({
  name: 'etcd-upgrade-settled',
  args: upgradeSettledArgs,
  facts: (a) => ({
    versions: commandFact(`etcd-upgrade-settled:${a.members.map((m) => m.ip).join(',')}`, settledScript(a), (r) => parseSettled(r.stdout), {
      become: true,
    }),
  }),
  plan: (f, a, ctx) => {
    const why = unsettled(f.versions, a);
    if (why === '') return { changed: false, summary: `every member runs ${a.version}; the cluster version is raised` };
    return {
      changed: false,
      run: !ctx.check,
      summary: `${ctx.check ? 'would wait' : 'waits'} up to ${a.timeoutMs / 1000} s for every member on ${a.version} and the cluster version (now ${why})`,
    };
  },
  apply: (ctx, a) => settle(ctx, a),
});

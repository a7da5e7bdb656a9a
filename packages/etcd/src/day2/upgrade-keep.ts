/**
 * `etcd-upgrade-keep`: before the new release is unpacked over them, copies this member's etcd and
 * etcdctl to `etcd.prev` and `etcdctl.prev` (cp -p to a temp name, then rename), the binaries a failed
 * upgrade puts back. Unchanged when the installed etcd already is the target release (a member upgraded
 * earlier, or one whose restart is still pending keeps the older .prev) or the .prev copies already equal
 * the binaries. No runnable etcd at all is ETCD_UPGRADE_FAILED: there would be nothing to roll back to.
 */
import { defineModule, raw, sh, TsplayError, type ApplyContext } from '@tsplay/core';
import { commandFact } from '@tsplay/core/module';
import { z } from 'zod';
import { hostPath } from '../schemas.js';
import { parseEtcdVersionOutput } from './upgrade-judge.js';

export const upgradeKeepArgs = z.object({
  /** The release being installed. */
  version: z.string().min(1),
  binDir: hostPath('binDir').default('/usr/local/bin'),
  binaries: z
    .array(z.string().regex(/^[A-Za-z0-9._-]+$/))
    .min(1)
    .default(['etcd', 'etcdctl']),
});
export type UpgradeKeepArgs = z.output<typeof upgradeKeepArgs>;

export interface KeepState {
  /** `etcd --version` of the installed etcd ('' when it does not run). */
  installed: string;
  /** Binaries whose .prev copy is missing or differs. */
  stale: string[];
}

/** Read-only: the installed version, and each binary's sha256 beside its .prev's. */
export function keepStateScript(a: UpgradeKeepArgs): string {
  const lines = [sh`printf '@@installed '; ${`${a.binDir}/etcd`} --version 2>/dev/null | head -n 1; echo`];
  for (const b of a.binaries) {
    const bin = `${a.binDir}/${b}`;
    const sum = (f: string) => sh`$([ -f ${f} ] && sha256sum < ${f} | cut -c1-64)`;
    lines.push(sh`printf '@@sum %s %s %s\\n' ${b} "${raw(sum(bin))}" "${raw(sum(`${bin}.prev`))}"`);
  }
  return lines.join('\n');
}

/** Pure. */
export function parseKeepState(out: string): KeepState {
  const installed = parseEtcdVersionOutput(/^@@installed (.*)$/m.exec(out)?.[1] ?? '');
  const stale: string[] = [];
  for (const m of out.matchAll(/^@@sum (\S+) ?(\S*) ?(\S*)$/gm)) {
    if (!m[2] || m[2] !== m[3]) stale.push(m[1] ?? '');
  }
  return { installed, stale };
}

async function keep(ctx: ApplyContext, a: UpgradeKeepArgs, s: KeepState) {
  const cmds = s.stale.map((b) => {
    const bin = `${a.binDir}/${b}`;
    return sh`cp -p ${bin} ${`${bin}.prev.tmp`} && mv -f ${`${bin}.prev.tmp`} ${`${bin}.prev`}`;
  });
  const r = await ctx.conn.exec(`set -e\n${cmds.join('\n')}\nsync`, { become: true, timeoutMs: 60_000 });
  if (r.code !== 0)
    throw new TsplayError('ETCD_UPGRADE_FAILED', `keeping the previous binaries failed: ${r.stderr.trim() || `exit ${r.code}`}`, {
      host: ctx.host,
      task: ctx.task,
      hint: `no member was restarted; check ${a.binDir} (space, permissions)`,
    });
  return {
    changed: true,
    data: { kept: s.installed },
    stdout: `kept etcd ${s.installed} as ${s.stale.map((b) => `${b}.prev`).join(', ')}`,
  };
}

export const etcdUpgradeKeep = defineModule({
  name: 'etcd-upgrade-keep',
  args: upgradeKeepArgs,
  facts: (a) => ({
    state: commandFact(`etcd-upgrade-keep:${a.binDir}`, keepStateScript(a), (r) => parseKeepState(r.stdout), { become: true }),
  }),
  plan: (f, a, ctx) => {
    const s = f.state;
    if (s.installed === a.version)
      return { changed: false, summary: `etcd ${a.version} is installed: the .prev binaries stay as they are` };
    if (s.installed === '') {
      throw new TsplayError('ETCD_UPGRADE_FAILED', `no runnable etcd at ${a.binDir}/etcd: there would be nothing to roll back to`, {
        host: ctx.host,
        hint: 'repair the member first (playbooks/etcd.ts with its current etcdVersion); no host was changed',
      });
    }
    if (s.stale.length === 0) return { changed: false, summary: `etcd ${s.installed} is already kept as .prev` };
    return {
      changed: true,
      summary: `would keep etcd ${s.installed} as ${s.stale.map((b) => `${a.binDir}/${b}.prev`).join(', ')}`,
      data: s,
    };
  },
  apply: (ctx, a, p) => keep(ctx, a, p.data as KeepState),
});

import { argv, redact, TsplayError, type ApplyContext, type Plan } from '@tsplay/core';
import type { ContentPlanData, ContentTarget } from './content-plan.js';
import { ownerSpec } from './attrs.js';
import { hostBasename, hostDirname } from './paths.js';

export interface ContentResult {
  dest: string;
  /** Where the old file was kept (`backup: true` and it was overwritten). */
  backup?: string | undefined;
}

/** `dest.20261125T133001Z~`: the backup name, from the workstation's clock. */
export function backupName(dest: string, now: Date = new Date()): string {
  return `${dest}.${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}~`;
}

/** Replace `%s` in a validate command by the quoted path of the staged file. */
export function validateCommand(cmd: string, path: string): string {
  return cmd.split('%s').join(argv([path]));
}

async function run(ctx: ApplyContext, cmd: string, what: string, secret: boolean): Promise<string> {
  const r = await ctx.conn.exec(cmd, { become: ctx.become, timeoutMs: 300_000 });
  if (r.code !== 0) {
    const err = secret ? redact(r.stderr.trim()) : r.stderr.trim();
    throw new TsplayError('WRITE_FAILED', `could not ${what}: ${err || `exit code ${r.code}`}`, { host: ctx.host, task: ctx.task });
  }
  return r.stdout;
}

/**
 * Make dest what the plan said. New content is written atomically: plain writes go through
 * `conn.put` (temp file, fsync, rename); with `validate` or `remoteSrc` the file is staged in a
 * private temp directory beside dest (same filesystem, same base name so tools like
 * `systemd-analyze verify` recognise it), validated, then renamed over dest. On any failure
 * dest is untouched and the temp directory is removed.
 */
export async function applyContent(ctx: ApplyContext, t: ContentTarget, plan: Plan<ContentPlanData>): Promise<ContentResult> {
  const data = plan.data;
  if (!data) return { dest: t.dest };
  if (!data.write) {
    if (data.attrScript) await run(ctx, data.attrScript, `set attributes of ${t.dest}`, false);
    return { dest: t.dest };
  }
  const put = { mode: data.attrs.mode, owner: data.attrs.owner, group: data.attrs.group, become: ctx.become };
  const doBackup = async (): Promise<string | undefined> => {
    if (!data.backup) return undefined;
    const name = backupName(t.dest);
    await run(ctx, argv(['cp', '-p', '--', t.dest, name]), `back up ${t.dest}`, false);
    return name;
  };
  if (data.bytes && !t.validate) {
    const backup = await doBackup();
    await ctx.conn.put(t.dest, data.bytes.reveal(), put);
    return { dest: t.dest, backup };
  }
  const dir = (await run(ctx, argv(['mktemp', '-d', '--', `${hostDirname(t.dest)}/.tsplay-XXXXXXXX`]), `create a temp directory beside ${t.dest}`, false)).trim();
  const staged = `${dir}/${hostBasename(t.dest)}`;
  try {
    if (data.bytes) {
      await ctx.conn.put(staged, data.bytes.reveal(), put);
    } else {
      const cmds = [argv(['cp', '--', data.remoteSrc ?? '', staged])];
      if (put.owner || put.group) cmds.push(argv(['chown', '--', ownerSpec(put.owner, put.group), staged]));
      if (put.mode !== undefined) cmds.push(argv(['chmod', '--', put.mode.toString(8).padStart(4, '0'), staged]));
      await run(ctx, cmds.join(' && '), `copy ${data.remoteSrc ?? '?'} on the host`, false);
    }
    if (t.validate) {
      const r = await ctx.conn.exec(validateCommand(t.validate, staged), { become: ctx.become, timeoutMs: 300_000 });
      if (r.code !== 0) {
        const out = (r.stderr.trim() || r.stdout.trim()).split(staged).join(t.dest);
        throw new TsplayError('VALIDATE_FAILED', `validation of ${t.dest} failed (exit ${r.code}): ${t.secret ? redact(out) : out}`, {
          host: ctx.host,
          task: ctx.task,
          field: 'validate',
          hint: `${t.dest} was left as it was; the command was: ${t.validate}`,
        });
      }
    }
    const backup = await doBackup();
    await run(ctx, `sync -- ${argv([staged])} 2>/dev/null; ${argv(['mv', '-fT', '--', staged, t.dest])}`, `move the new ${t.dest} in place`, false);
    return { dest: t.dest, backup };
  } finally {
    await ctx.conn.exec(argv(['rm', '-rf', '--', dir]), { become: ctx.become }).catch(() => undefined);
  }
}

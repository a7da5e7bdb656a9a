import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TsplayError, sh, type ApplyContext, type ApplyResult, type Plan } from '@tsplay/core';
import { ownerSpec } from '../common/attrs.js';
import type { UnarchiveOptions } from './args.js';
import { tarSelect } from './facts.js';
import type { Install, UnarchivePlanData } from './plan.js';
import type { LocalArchive } from './facts.js';

export interface UnarchiveResult {
  dest: string;
  /** Paths (relative to dest) written by this task, or that check mode predicts it would write. */
  files: string[];
}

const E_TEMP = 11;
const E_TAR = 12;
const E_CHANGED = 13;
const E_ATTRS = 14;
const E_RENAME = 15;

function chownSpec(args: UnarchiveOptions): string | undefined {
  return ownerSpec(args.owner, args.group) || undefined;
}

/**
 * Extract into a temp dir inside dest (same filesystem), check each member is what the plan saw,
 * set mode/owner and fsync, and only then rename each into place: a target is either the old
 * file or the complete new one, never half-written.
 */
export function unarchiveScript(args: UnarchiveOptions, install: Install[], opts: { removeSrc?: boolean } = {}): string {
  const own = chownSpec(args);
  const prepare: string[] = [];
  const place: string[] = [];
  const files: string[] = [];
  for (const m of install) {
    const tmp = `"$t"/${sh`${m.path}`}`;
    const target = `"$dest"/${sh`${m.path}`}`;
    if (m.type === 'dir') {
      place.push(`[ -d ${target} ] || { mkdir -p ${target} && chmod ${m.mode.toString(8)} ${target}; } || exit ${E_RENAME}`);
      continue;
    }
    if (m.type === 'file') {
      prepare.push(
        `[ -f ${tmp} ] && [ "$(sha256sum < ${tmp} | cut -d' ' -f1)" = ${sh`${m.sha256 ?? ''}`} ] || { echo ${sh`${m.path}`} >&2; exit ${E_CHANGED}; }`,
        `chmod ${m.mode.toString(8)} ${tmp} || exit ${E_ATTRS}`,
      );
      files.push(tmp);
    }
    if (own) prepare.push(`chown -h ${sh`${own}`} ${tmp} || exit ${E_ATTRS}`);
    place.push(`mkdir -p "$(dirname ${target})" && mv -fT ${tmp} ${target} || exit ${E_RENAME}`);
  }
  return [
    sh`src=${args.src}; dest=${args.dest}`,
    't=',
    opts.removeSrc ? `trap 'rm -f "$src"; [ -n "$t" ] && rm -rf "$t"' EXIT` : `trap '[ -n "$t" ] && rm -rf "$t"' EXIT`,
    `trap 'exit 130' INT TERM HUP PIPE`,
    `t=$(mktemp -d "$dest/.tsplay-unarchive.XXXXXX") || exit ${E_TEMP}`,
    `tar -x -f "$src" -C "$t" ${tarSelect(args)} || exit ${E_TAR}`,
    ...prepare,
    files.length > 0 ? `sync ${files.join(' ')} 2>/dev/null || sync` : ':',
    ...place,
  ].join('\n');
}

/** copyFromLocal: put the workstation archive beside the targets (same filesystem); the script removes it. */
async function upload(ctx: ApplyContext, args: UnarchiveOptions, local: LocalArchive): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(local.path);
  } catch (e) {
    throw new TsplayError('ARCHIVE_FAILED', `cannot read ${local.path} on the workstation: ${(e as Error).message}`, { host: ctx.host, field: 'src', cause: e });
  }
  if (createHash('sha256').update(bytes).digest('hex') !== local.sha256) {
    throw new TsplayError('ARCHIVE_FAILED', `${local.path} changed on the workstation since it was planned; nothing was replaced`, { host: ctx.host, hint: 'run again' });
  }
  const staged = `${args.dest === '/' ? '' : args.dest}/.tsplay-archive-${randomBytes(6).toString('hex')}`;
  await ctx.conn.put(staged, bytes, { mode: 0o600, become: ctx.become });
  return staged;
}

export async function applyUnarchive(
  ctx: ApplyContext,
  args: UnarchiveOptions,
  plan: Plan<UnarchivePlanData>,
): Promise<ApplyResult<UnarchiveResult>> {
  const install = plan.data?.install ?? [];
  if (install.length === 0) return { changed: false, data: { dest: args.dest, files: [] } };
  const staged = plan.data?.local ? await upload(ctx, args, plan.data.local) : undefined;
  const script = staged ? unarchiveScript({ ...args, src: staged }, install, { removeSrc: true }) : unarchiveScript(args, install);
  const r = await ctx.conn.exec(script, { become: ctx.become });
  const err = r.stderr.trim().slice(-600);
  const where = { host: ctx.host };
  if (r.code === 0) return { changed: true, data: { dest: args.dest, files: install.map((m) => m.path) } };
  if (/No space left/i.test(err)) {
    throw new TsplayError('DISK_FULL', `no space left extracting ${args.src} into ${args.dest}`, { ...where, hint: `free space in ${args.dest}` });
  }
  switch (r.code) {
    case E_TEMP:
      throw new TsplayError('WRITE_FAILED', `cannot create a temp dir in ${args.dest}: ${err}`, { ...where, field: 'dest' });
    case E_TAR:
      throw new TsplayError('ARCHIVE_FAILED', `tar failed on ${args.src}: ${err}`, { ...where, field: 'src' });
    case E_CHANGED:
      throw new TsplayError('ARCHIVE_FAILED', `${args.src} changed since it was planned (member ${err}); nothing was replaced`, {
        ...where,
        hint: 'run again',
      });
    case E_ATTRS:
      throw new TsplayError('WRITE_FAILED', `cannot set mode/owner on extracted files: ${err}`, { ...where, hint: 'does the owner/group exist?' });
    case E_RENAME:
      throw new TsplayError('WRITE_FAILED', `cannot move extracted files into ${args.dest}: ${err}`, where);
    default:
      throw new TsplayError('COMMAND_FAILED', `unarchive script failed (exit ${r.code}): ${err}`, where);
  }
}

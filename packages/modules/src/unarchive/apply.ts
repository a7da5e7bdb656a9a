import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  chownSpec,
  safeAttrScript,
  SCRIPT_EXIT,
  sh,
  TsplayError,
  type ApplyContext,
  type ApplyResult,
  type ApplyStep,
  type Plan,
  type StepContext,
} from '../kit/index.js';
import type { UnarchiveOptions } from './args.js';
import { tarSelect } from './probe.js';
import { E_CHANGED, E_TAR, E_UNNAMED, extractionError, placedFiles } from './result.js';
import { lateModeLines, subdirCheckLines } from './safe.js';
import type { Install, UnarchivePlanData } from './plan.js';
import type { LocalArchive } from './probe.js';

export interface UnarchiveResult {
  dest: string;
  /** Paths (relative to dest) written by this task, or that check mode predicts it would write. */
  files: string[];
}

const { temp: E_TEMP, attrs: E_ATTRS, rename: E_RENAME } = SCRIPT_EXIT;

/**
 * Extract into a temp dir inside dest (same filesystem), check each member is what the plan saw,
 * set mode/owner and fsync, and only then rename each into place: a target is either the old
 * file or the complete new one, never half-written.
 */
/**
 * A fresh run (the plan did not read the archive): put every extracted entry in place, in path order, the same
 * way (mode/owner, fsync, rename; a directory only when missing), printing `F|path` for each one placed.
 */
function placeAll(args: UnarchiveOptions, install: Install[]): string[] {
  const own = chownSpec(args.owner, args.group);
  const mode = args.mode === undefined ? '' : `chmod ${args.mode.toString(8)} "$p" || exit ${E_ATTRS}; `;
  return [
    'cd "$t" || exit ' + E_TEMP,
    // The plan took each pattern to name its target; where `*` matched deeper instead, replace nothing.
    ...install.map((m) => `[ -e ${sh`${m.path}`} ] || [ -L ${sh`${m.path}`} ] || { echo ${sh`${m.path}`} >&2; exit ${E_UNNAMED}; }`),
    'find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do',
    '  r=${p#./}; d="$dest/$r"',
    `  if [ -d "$p" ] && [ ! -L "$p" ]; then [ -d "$d" ] && continue; mkdir -p "$d" || exit ${E_RENAME}; printf '%s\n' "$r" >> "$made"; printf 'F|%s\n' "$r"; continue; fi`,
    `  if [ -f "$p" ] && [ ! -L "$p" ]; then ${mode}sync "$p" 2>/dev/null; fi`,
    own ? `  chown -h ${sh`${own}`} "$p" || exit ${E_ATTRS}` : '  :',
    // its parent is made above (find lists it first); mkdir only as a fallback, without forking dirname for every entry
    `  { [ -d "\${d%/*}" ] || mkdir -p "\${d%/*}"; } && mv -fT "$p" "$d" || exit ${E_RENAME}`,
    `  printf 'F|%s\n' "$r"`,
    'done || exit $?',
  ];
}

export function unarchiveScript(args: UnarchiveOptions, install: Install[], opts: { removeSrc?: boolean; all?: boolean } = {}): string {
  const own = chownSpec(args.owner, args.group);
  const prepare: string[] = [];
  const place: string[] = [];
  const files: string[] = [];
  for (const m of install) {
    const tmp = `"$t"/${sh`${m.path}`}`;
    const target = `"$dest"/${sh`${m.path}`}`;
    const chmod = (p: string) => (m.mode === undefined ? 'true' : `chmod ${m.mode.toString(8)} ${p}`);
    if (m.type === 'dir') {
      // Made 0700 (umask), its mode set at the end (safe.ts).
      place.push(`[ -d ${target} ] || { mkdir -p ${target} && printf '%s\\n' ${sh`${m.path}`} >> "$made"; } || exit ${E_RENAME}`);
      continue;
    }
    if (m.type === 'file') {
      // Content the plan compared must be what is extracted now; content it did not read (a missing target) is only checked to be a file.
      const same = m.sha256 === undefined ? '' : ` && [ "$(sha256sum < ${tmp} | cut -d' ' -f1)" = ${sh`${m.sha256}`} ]`;
      prepare.push(`[ -f ${tmp} ]${same} || { echo ${sh`${m.path}`} >&2; exit ${E_CHANGED}; }`, `${chmod(tmp)} || exit ${E_ATTRS}`);
      files.push(tmp);
    }
    if (own) prepare.push(`chown -h ${sh`${own}`} ${tmp} || exit ${E_ATTRS}`);
    const parent = m.path.includes('/') ? sh`${m.path.slice(0, m.path.lastIndexOf('/'))}` : '';
    const mkParent = parent
      ? `{ [ -d "$dest"/${parent} ] || { mkdir -p "$dest"/${parent} && printf '%s\\n' ${parent} >> "$made"; }; } && `
      : '';
    place.push(`${mkParent}mv -fT ${tmp} ${target} || exit ${E_RENAME}`);
  }
  return [
    sh`src=${args.src}; dest=${args.dest}`,
    't=; made=',
    `trap '${opts.removeSrc ? 'rm -f "$src"; ' : ''}[ -n "$made" ] && rm -f "$made"; [ -n "$t" ] && rm -rf "$t"' EXIT`,
    `trap 'exit 130' INT TERM HUP PIPE`,
    // Core's safe-write checks of dest and every directory above it (a no-op attribute script on `dest/.`): only
    // root may change them, else exit UNSAFE_PATH (86) before anything is extracted, chowned or renamed there.
    `if [ -d "$dest" ]; then (\n${safeAttrScript({ path: `${args.dest.replace(/\/+$/, '')}/.` })}\n) || exit $?; fi`,
    `t=$(mktemp -d "$dest/.tsplay-unarchive.XXXXXX") || exit ${E_TEMP}`,
    `made=$(mktemp "$dest/.tsplay-unarchive-dirs.XXXXXX") || exit ${E_TEMP}`,
    // --no-overwrite-dir: a `./` member does not give "$t" the archive's mode; it stays root-only (0700).
    `tar -x --no-overwrite-dir -f "$src" -C "$t" ${tarSelect(args)} || exit ${E_TAR}`,
    'umask 077',
    ...subdirCheckLines(),
    ...(opts.all
      ? placeAll(args, install)
      : [...prepare, files.length > 0 ? `sync ${files.join(' ')} 2>/dev/null || sync` : ':', ...place]),
    ...lateModeLines('$made', E_RENAME),
  ].join('\n');
}

/** copyFromLocal: put the workstation archive beside the targets (same filesystem); the script removes it. */
async function upload(ctx: ApplyContext, args: UnarchiveOptions, local: LocalArchive): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(local.path);
  } catch (e) {
    throw new TsplayError('ARCHIVE_FAILED', `cannot read ${local.path} on the workstation: ${(e as Error).message}`, {
      host: ctx.host,
      field: 'src',
      cause: e,
    });
  }
  if (createHash('sha256').update(bytes).digest('hex') !== local.sha256) {
    throw new TsplayError('ARCHIVE_FAILED', `${local.path} changed on the workstation since it was planned; nothing was replaced`, {
      host: ctx.host,
      hint: 'run again',
    });
  }
  const staged = `${args.dest === '/' ? '' : args.dest}/.tsplay-archive-${randomBytes(6).toString('hex')}`;
  await ctx.conn.put(staged, bytes, { mode: 0o600, become: ctx.become });
  return staged;
}

/**
 * The extraction of `install` as one script and the reading of its result, apply's and the step's alike.
 * `fresh`: the plan did not read the archive (see placeAll); `staged`: the uploaded copy of a workstation
 * archive, which the script removes.
 */
function extraction(host: string, args: UnarchiveOptions, install: Install[], o: { fresh: boolean; staged?: string | undefined }) {
  const all = o.fresh && o.staged === undefined;
  const script = o.staged
    ? unarchiveScript({ ...args, src: o.staged }, install, { removeSrc: true })
    : unarchiveScript(args, install, { all });
  const step: ApplyStep<UnarchiveResult> = {
    script,
    done: (r) => {
      const error = extractionError(r, args, host);
      if (error) throw error;
      return {
        changed: true,
        data: {
          dest: args.dest,
          files: placedFiles(
            r,
            all,
            install.map((m) => m.path),
          ),
        },
      };
    },
  };
  return step;
}

export async function applyUnarchive(
  ctx: ApplyContext,
  args: UnarchiveOptions,
  plan: Plan<UnarchivePlanData>,
): Promise<ApplyResult<UnarchiveResult>> {
  const install = plan.data?.install ?? [];
  if (install.length === 0) return { changed: false, data: { dest: args.dest, files: [] } };
  const staged = plan.data?.local ? await upload(ctx, args, plan.data.local) : undefined;
  const s = extraction(ctx.host, args, install, { fresh: plan.data?.fresh === true, staged });
  return s.done(await ctx.conn.exec(s.script, { become: ctx.become }));
}

/**
 * The same extraction as `applyUnarchive` as one step (for a host's consecutive tasks in one exec); undefined
 * when the apply is not one exec: nothing to extract (no exec), or a workstation archive to upload first.
 */
export function unarchiveStep(
  ctx: StepContext,
  args: UnarchiveOptions,
  plan: Plan<UnarchivePlanData>,
): ApplyStep<UnarchiveResult> | undefined {
  const install = plan.data?.install ?? [];
  if (install.length === 0 || plan.data?.local) return undefined;
  return extraction(ctx.host, args, install, { fresh: plan.data?.fresh === true });
}

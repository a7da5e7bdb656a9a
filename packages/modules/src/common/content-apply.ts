import { argv, redact, TsplayError, type ApplyContext, type ApplyStep, type ExecResult, type Plan, type StepContext } from '@tsplay/core';
import { safeAttrScript, safeWriteRefusal, safeWriteScript, type SafeWriteTarget } from '@tsplay/core/module';
import type { ContentPlanData, ContentTarget } from './content-plan.js';
import { hostBasename } from './paths.js';

export interface ContentResult {
  dest: string;
  /** Where the old file was kept (`backup: true` and it was overwritten). */
  backup?: string | undefined;
}

/** `dest.20261125T133001Z~`: the backup name, from the workstation's clock. */
export function backupName(dest: string, now: Date = new Date()): string {
  return `${dest}.${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}~`;
}

/** Replace `%s` in a validate command by `path` (a shell word, e.g. the quoted path of the staged file). */
export function validateCommand(cmd: string, path: string): string {
  return cmd.split('%s').join(path);
}

/** The line a failed validation prints first on stderr: `tsplay-validate: CODE STAGED_PATH`, then its output. */
const VALIDATE_MARK = 'tsplay-validate: ';
const VALIDATE_EXIT = 87;

/**
 * The `fill` of the safe write (see `safeWriteScript`): the new content into "$TSPLAY_TMP" (from stdin, or a
 * copy of a file on the host), validated first under dest's own name in a private directory beside it (safe:
 * the safe write has checked that only root or dest's owner can rename in that directory), and the old file
 * kept as `backup` after a validation that passed.
 */
export function contentFill(opts: { remoteSrc?: string | undefined; validate?: string | undefined; backup?: string | undefined }): string {
  const source = opts.remoteSrc !== undefined ? `cat -- ${argv([opts.remoteSrc])}` : 'cat';
  const lines: string[] = [];
  if (opts.validate === undefined) {
    lines.push(`${source} > "$TSPLAY_TMP" || exit 1`);
  } else {
    lines.push(
      'tsplay_v=$(mktemp -d "$TSPLAY_DIR/.tsplay-XXXXXXXX") || exit 1',
      `trap 'rm -rf -- "$tsplay_v"; rm -f -- "$TSPLAY_TMP"' EXIT`,
      'tsplay_s="$tsplay_v/$TSPLAY_NAME"',
      `${source} > "$tsplay_s" || exit 1`,
      `tsplay_out=$(${validateCommand(opts.validate, '"$tsplay_s"')} 2>&1); tsplay_rc=$?`,
      `if [ "$tsplay_rc" -ne 0 ]; then printf '${VALIDATE_MARK}%s %s\\n%s\\n' "$tsplay_rc" "$tsplay_s" "$tsplay_out" >&2; exit ${VALIDATE_EXIT}; fi`,
      'cat -- "$tsplay_s" > "$TSPLAY_TMP" || exit 1',
      'rm -rf -- "$tsplay_v"',
      `trap 'rm -f -- "$TSPLAY_TMP"' EXIT`,
    );
  }
  if (opts.backup !== undefined) lines.push(`cp -p -- "$tsplay_dst" "$TSPLAY_DIR"/${argv([hostBasename(opts.backup)])} || exit 1`);
  return lines.join('\n');
}

/** A failed validation reported by `contentFill`, as VALIDATE_FAILED naming dest (never the staged path). */
function validateFailure(ctx: Pick<ApplyContext, 'host' | 'task'>, t: ContentTarget, r: ExecResult): TsplayError | undefined {
  if (r.code !== VALIDATE_EXIT) return undefined;
  const at = r.stderr.indexOf(VALIDATE_MARK);
  if (at < 0) return undefined;
  const nl = r.stderr.indexOf('\n', at);
  const [code, ...staged] = r.stderr.slice(at + VALIDATE_MARK.length, nl < 0 ? undefined : nl).split(' ');
  const out = (nl < 0 ? '' : r.stderr.slice(nl + 1)).trim().split(staged.join(' ')).join(t.dest);
  return new TsplayError('VALIDATE_FAILED', `validation of ${t.dest} failed (exit ${code}): ${t.secret ? redact(out) : out}`, {
    host: ctx.host,
    task: ctx.task,
    field: 'validate',
    hint: `${t.dest} was left as it was; the command was: ${t.validate}`,
  });
}

/** A safe-write script's result: itself when it succeeded, else its failure as a coded error. */
function safeResult(ctx: Pick<ApplyContext, 'host' | 'task'>, t: ContentTarget, r: ExecResult, what: string): ExecResult {
  if (r.code === 0) return r;
  const refused = safeWriteRefusal(r, t.dest);
  if (refused)
    throw new TsplayError(refused.code, refused.message, { host: ctx.host, task: ctx.task, field: refused.field, hint: refused.hint });
  const invalid = validateFailure(ctx, t, r);
  if (invalid) throw invalid;
  const err = t.secret ? redact(r.stderr.trim()) : r.stderr.trim();
  throw new TsplayError('WRITE_FAILED', `could not ${what}: ${err || `exit code ${r.code}`}`, { host: ctx.host, task: ctx.task });
}

/**
 * Make dest what the plan said, through core's safe write (checked directories, temp file made O_EXCL
 * beside dest, owner and mode set on it, fsync, rename; as dest's owner when the directory is theirs).
 * Plain new bytes go through `conn.put` (the same safe write); with `validate`, `remoteSrc` or `backup`
 * one script does it all. On any failure dest is untouched. An attribute-only change sets owner/mode by
 * name in a checked directory, never following a swapped symlink.
 */
export async function applyContent(ctx: ApplyContext, t: ContentTarget, plan: Plan<ContentPlanData>): Promise<ContentResult> {
  const data = plan.data;
  if (data?.write && data.bytes && !t.validate && !data.backup) {
    const { owner, group, mode } = data.attrs;
    await ctx.conn.put(t.dest, data.bytes.reveal(), { mode, owner, group, become: ctx.become });
    return { dest: t.dest };
  }
  const s = contentChange(ctx, t, plan);
  if (!s) return { dest: t.dest };
  const r = await ctx.conn.exec(s.script, { become: ctx.become, timeoutMs: s.timeoutMs, stdin: s.stdin });
  return s.done(r).data as ContentResult;
}

/**
 * The same change as `applyContent` as one step (for a host's consecutive tasks in one exec): the new bytes
 * come on the step's own stdin and their size is checked before the rename, as an upload's is. With the
 * sha256 the plan wrote (copy's and template's result).
 */
export function contentStep(
  ctx: StepContext,
  t: ContentTarget,
  plan: Plan<ContentPlanData>,
): ApplyStep<ContentResult & { sha256: string | undefined }> {
  const s = contentChange(ctx, t, plan) ?? { script: ':', done: () => ({ data: { dest: t.dest } }) };
  return { ...s, done: (r) => ({ data: { ...(s.done(r).data as ContentResult), sha256: plan.data?.sha256 } }) };
}

/** The script of a content change: a write through the safe write, or attributes only; undefined when nothing is to do. */
function contentChange(ctx: StepContext, t: ContentTarget, plan: Plan<ContentPlanData>): ApplyStep<ContentResult> | undefined {
  const data = plan.data;
  if (!data) return undefined;
  const { owner, group, mode } = data.attrs;
  const target: SafeWriteTarget = { path: t.dest, owner, group, mode, secret: t.secret };
  if (!data.write) {
    if (!data.attrScript) return undefined;
    const what = `set attributes of ${t.dest}`;
    return { script: safeAttrScript(target), done: (r) => (safeResult(ctx, t, r, what), { data: { dest: t.dest } }) };
  }
  const backup = data.backup ? backupName(t.dest) : undefined;
  const bytes = data.bytes?.reveal();
  const size =
    bytes === undefined
      ? ''
      : `\nn=$(wc -c < "$TSPLAY_TMP") && [ "$n" -eq ${bytes.length} ] || { echo "tsplay: incomplete content ($n of ${bytes.length} bytes)" >&2; exit 1; }`;
  const fill = contentFill({ remoteSrc: data.remoteSrc, validate: t.validate, backup }) + size;
  const what = data.remoteSrc !== undefined ? `copy ${data.remoteSrc} to ${t.dest} on the host` : `write ${t.dest}`;
  return {
    script: safeWriteScript(target, fill),
    stdin: bytes,
    timeoutMs: 300_000,
    done: (r) => (safeResult(ctx, t, r, what), { data: { dest: t.dest, backup } }),
  };
}

/**
 * Coded errors: every failure the user sees has a code, and where known a host, task, field and hint.
 * Core names only its own codes; another package owns the codes it raises (any UPPER_SNAKE string).
 */
export type CoreErrorCode =
  | 'ARGS_INVALID'
  | 'VARS_INVALID'
  | 'INVENTORY_INVALID'
  | 'INVENTORY_NOT_FOUND'
  | 'PLAYBOOK_NOT_FOUND'
  | 'PLAYBOOK_LOAD_FAILED'
  | 'PLAYBOOK_INVALID'
  | 'UNKNOWN_HOST'
  | 'USAGE'
  | 'EXTRA_VAR_INVALID'
  | 'UNREACHABLE'
  | 'AUTH_FAILED'
  | 'HOST_KEY_UNKNOWN'
  | 'HOST_KEY_CHANGED'
  | 'BECOME_FAILED'
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMEOUT'
  | 'CHECKSUM_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'NO_DOWNLOADER'
  | 'WRITE_FAILED'
  | 'UNSAFE_PATH'
  | 'DISK_FULL'
  | 'ARCHIVE_FAILED'
  | 'VALIDATE_FAILED'
  | 'SERVICE_FAILED'
  | 'SERVICE_TIMEOUT'
  | 'VERIFY_FAILED'
  | 'UNSAFE_BOOTSTRAP'
  | 'FACT_FAILED'
  | 'TASK_FAILED'
  | 'INTERRUPTED'
  | 'LAB_NOT_UP'
  | 'LAB_FAILED'
  | 'INTERNAL';

/** A core code, or a code owned by the package that raises it (upper case, e.g. `ETCD_QUORUM`). */
export type ErrorCode = CoreErrorCode | (Uppercase<string> & {});

export interface ErrorDetails {
  host?: string | undefined;
  task?: string | undefined;
  field?: string | undefined;
  hint?: string | undefined;
  file?: string | undefined;
  cause?: unknown;
}

export class TsplayError extends Error {
  override readonly name = 'TsplayError';
  readonly code: ErrorCode;
  readonly host: string | undefined;
  readonly task: string | undefined;
  readonly field: string | undefined;
  readonly hint: string | undefined;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.host = details.host;
    this.task = details.task;
    this.field = details.field;
    this.hint = details.hint;
    this.file = details.file;
  }

  /** A copy with host/task filled in where they were missing (the runner knows them, modules may not). */
  withContext(ctx: { host?: string; task?: string }): TsplayError {
    if ((this.host ?? ctx.host) === this.host && (this.task ?? ctx.task) === this.task) return this;
    const e = new TsplayError(this.code, this.message, {
      host: this.host ?? ctx.host,
      task: this.task ?? ctx.task,
      field: this.field,
      hint: this.hint,
      file: this.file,
      cause: this.cause,
    });
    if (this.stack) e.stack = this.stack;
    return e;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      host: this.host,
      task: this.task,
      field: this.field,
      file: this.file,
      hint: this.hint,
    };
  }
}

export function isTsplayError(e: unknown): e is TsplayError {
  return e instanceof TsplayError || (e instanceof Error && e.name === 'TsplayError' && 'code' in e);
}

/** Turn anything thrown into a TsplayError, keeping the original as cause. */
export function toTsplayError(e: unknown, fallback: ErrorCode = 'INTERNAL'): TsplayError {
  if (isTsplayError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new TsplayError(fallback, message, { cause: e });
}

/** One paragraph: `error[CODE] host › task: message (field: x)\n  hint: ...` */
export function formatError(e: TsplayError, opts: { verbose?: boolean } = {}): string {
  const where = [e.host, e.task].filter(Boolean).join(' › ');
  const head = `error[${e.code}]${where ? ` ${where}` : ''}: ${e.message}`;
  const lines = [head];
  if (e.file) lines.push(`  file: ${e.file}`);
  if (e.field) lines.push(`  field: ${e.field}`);
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  if (opts.verbose) {
    if (e.stack) lines.push(e.stack);
    let c: unknown = e.cause;
    while (c) {
      lines.push(`  caused by: ${c instanceof Error ? (c.stack ?? c.message) : String(c)}`);
      c = c instanceof Error ? c.cause : undefined;
    }
  }
  return lines.join('\n');
}

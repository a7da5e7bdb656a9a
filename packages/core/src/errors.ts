/**
 * Coded errors: every failure the user sees has a code, and where known a host, task, field and hint.
 *
 * Codes are a closed union owned by the packages that raise them. Core lists exactly the codes it raises
 * (`CoreErrorCodes`); every other package declares its own in its `src/error-codes.ts` by augmenting
 * `ErrorCodes`, so a misspelt code does not compile anywhere:
 *
 *   declare module '@tsplay/core' { interface ErrorCodes { HOST_KEY_UNKNOWN: true } }
 */
export interface CoreErrorCodes {
  ARGS_INVALID: true;
  BECOME_FAILED: true;
  COMMAND_FAILED: true;
  COMMAND_TIMEOUT: true;
  DISK_FULL: true;
  DUPLICATE_TASK: true;
  EXTRA_VAR_INVALID: true;
  FACT_FAILED: true;
  INTERNAL: true;
  INVENTORY_AMBIGUOUS_NUMBER: true;
  INVENTORY_CYCLE: true;
  INVENTORY_ENCRYPTED_VARS: true;
  INVENTORY_INVALID: true;
  INVENTORY_NOT_FOUND: true;
  INVENTORY_RANGE_INVALID: true;
  INVENTORY_UNKNOWN_GROUP: true;
  PLAY_INVALID: true;
  TASK_FAILED: true;
  UNKNOWN_HOST: true;
  UNKNOWN_TAG: true;
  UNKNOWN_TASK: true;
  UNREACHABLE: true;
  UNSAFE_PATH: true;
  USAGE: true;
  VARS_INVALID: true;
  WRITE_FAILED: true;
}

/** Every declared code: core's, plus what each package adds by declaration merging. */
export interface ErrorCodes extends CoreErrorCodes {}

export type CoreErrorCode = keyof CoreErrorCodes;
export type ErrorCode = keyof ErrorCodes & string;

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

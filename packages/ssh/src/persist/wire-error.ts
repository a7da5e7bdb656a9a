import { TsplayError, isTsplayError, type ErrorCode } from '@tsplay/core';

/** An error as it crosses the socket: the coded fields only (no cause, no stack: nothing secret rides along). */
export interface WireError {
  code?: string | undefined;
  message: string;
  host?: string | undefined;
  task?: string | undefined;
  field?: string | undefined;
  hint?: string | undefined;
  file?: string | undefined;
}

export function toWire(e: unknown): WireError {
  if (isTsplayError(e)) return { code: e.code, message: e.message, host: e.host, task: e.task, field: e.field, hint: e.hint, file: e.file };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** Back to a TsplayError (or a plain Error when the daemon's was uncoded, as the direct path would throw). */
export function fromWire(w: WireError): Error {
  if (w.code === undefined) return new Error(w.message);
  return new TsplayError(w.code as ErrorCode, w.message, { host: w.host, task: w.task, field: w.field, hint: w.hint, file: w.file });
}

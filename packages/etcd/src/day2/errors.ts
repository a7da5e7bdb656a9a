import { TsplayError } from '@tsplay/core';
import { isRefusal, type Refusal } from './checks.js';

/** A refusal as the coded error the run stops with. */
export function refusalError(r: Refusal, where: { host: string; task?: string }): TsplayError {
  return new TsplayError(r.code, r.message, {
    host: where.host,
    ...(where.task ? { task: where.task } : {}),
    hint: r.hint ?? 'no host was changed',
  });
}

/** A check's verdict: a refusal is thrown from the plan (so no host is changed, in check mode too); else it is returned. */
export function unlessRefused<T>(r: T | Refusal, host: string): T {
  if (isRefusal(r)) throw refusalError(r, { host });
  return r;
}

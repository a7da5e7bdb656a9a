import { TsplayError } from '@tsplay/core';
import type { Refusal } from './checks.js';

/** A refusal as the coded error the run stops with. */
export function refusalError(r: Refusal, where: { host: string; task?: string }): TsplayError {
  return new TsplayError(r.code, r.message, { host: where.host, ...(where.task ? { task: where.task } : {}), hint: r.hint ?? 'no host was changed' });
}

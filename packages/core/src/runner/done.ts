import type { TsplayError } from '../errors.js';
import type { Execution } from '../execute.js';
import type { Diff } from '../module.js';
import type { TaskOutcome } from '../playbook.js';
import type { ResultExtra } from './task-events.js';

/** A task's result on a host, ready to register and report. */
export interface Done {
  outcome: TaskOutcome;
  extra: ResultExtra;
  /** Already reported item by item (a loop). */
  reported?: boolean;
}

/**
 * The one rule for `unreachable`: an UNREACHABLE error on the host's own connection makes the host
 * unreachable; on a delegate's it fails this task (the host itself answers).
 */
export const statusOf = (error: TsplayError | undefined, ownConnection: boolean): 'unreachable' | 'failed' =>
  error?.code === 'UNREACHABLE' && ownConnection ? 'unreachable' : 'failed';

export function failure(error: TsplayError, ownConnection: boolean): Done {
  return { outcome: { status: statusOf(error, ownConnection), changed: false, data: undefined, msg: error.message }, extra: { error } };
}

/** One invocation's execution as a result. */
export function doneOf(ex: Execution, item: string | undefined, delegatedTo: string | undefined): Done {
  const outcome =
    ex.error && ex.outcome.status === 'failed' ? { ...ex.outcome, status: statusOf(ex.error, delegatedTo === undefined) } : ex.outcome;
  return { outcome, extra: { diff: ex.diff as Diff[] | undefined, error: ex.error, item, delegatedTo } };
}

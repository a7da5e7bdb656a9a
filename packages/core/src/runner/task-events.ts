import type { TsplayError } from '../errors.js';
import type { Diff } from '../module.js';
import type { TaskOutcome } from '../playbook.js';
import { redact, redactValue } from '../secret.js';
import type { ErrorInfo, RunEvent } from './events.js';
import type { PlannedPlay, PlannedTask } from './plan-types.js';

export function errorInfo(e: TsplayError): ErrorInfo {
  return redactValue({ code: e.code, message: e.message, host: e.host, task: e.task, field: e.field, hint: e.hint }) as ErrorInfo;
}

export interface ResultExtra {
  diff?: Diff[] | undefined;
  error?: TsplayError | undefined;
  item?: string | undefined;
  delegatedTo?: string | undefined;
  runOnce?: boolean | undefined;
  attempts?: number | undefined;
}

/** The redacted `task.result` event of one outcome. */
export function resultEvent(
  play: PlannedPlay,
  pt: PlannedTask,
  host: string,
  batch: number | undefined,
  o: TaskOutcome,
  durationMs: number,
  x: ResultExtra,
  diff: boolean,
): RunEvent {
  return {
    type: 'task.result',
    play: play.name,
    task: pt.name,
    id: pt.id,
    index: pt.index,
    host,
    ...(x.item !== undefined ? { item: redact(x.item) } : {}),
    ...(x.delegatedTo !== undefined ? { delegatedTo: x.delegatedTo } : {}),
    ...(x.runOnce || pt.task.runOnce ? { runOnce: true } : {}),
    ...(pt.task.block ? { block: { name: pt.task.block.name, part: pt.task.block.part } } : {}),
    ...(x.attempts !== undefined ? { attempts: x.attempts } : {}),
    ...(batch !== undefined ? { batch } : {}),
    status: o.status,
    changed: o.changed,
    summary: o.summary === undefined ? undefined : redact(o.summary),
    msg: o.msg === undefined ? undefined : redact(o.msg),
    stdout: o.stdout === undefined ? undefined : redact(o.stdout.slice(0, 4000)),
    diff: diff && x.diff ? (redactValue(x.diff) as Diff[]) : undefined,
    durationMs,
    error: x.error ? errorInfo(x.error) : undefined,
  };
}

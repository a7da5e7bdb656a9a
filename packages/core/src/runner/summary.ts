import type { Task, TaskOutcome } from '../playbook.js';
import type { RunEnv } from './env.js';
import type { HostRecap, RunOutcome } from './events.js';

export type { RunOutcome } from './events.js';
import type { HostResults } from './context.js';

export interface RunSummary {
  outcome: RunOutcome;
  recap: Record<string, HostRecap>;
  /** Per host, registered results by task id (`PLAY › NAME`). */
  results: Map<string, HostResults>;
  /** A host's registered result of a task (by its handle). */
  resultOf<R>(host: string, task: Task<any, R>): TaskOutcome<R> | undefined;
  interrupted: boolean;
}

/** The worst thing that happened to any host (see `RunOutcome`). */
export function runOutcome(recap: Record<string, HostRecap>, interrupted: boolean): RunOutcome {
  const all = Object.values(recap);
  if (interrupted) return 'interrupted';
  if (all.some((r) => r.failed > 0)) return 'failed';
  if (all.some((r) => r.unreachable > 0)) return 'unreachable';
  return all.some((r) => r.changed > 0) ? 'changed' : 'ok';
}

/** The outcome, the recap event, and the summary. */
export function summarize(env: RunEnv, started: number): RunSummary {
  const check = env.plan.check;
  const recap: Record<string, HostRecap> = {};
  for (const r of env.runs.values()) recap[r.name] = r.recap;
  const interrupted = env.opts.signal?.aborted ?? false;
  const outcome = runOutcome(recap, interrupted);
  env.opts.emit({ type: 'recap', hosts: recap, durationMs: Date.now() - started, outcome, check, interrupted });
  const results = new Map([...env.runs.values()].map((r) => [r.name, r.results] as const));
  return {
    outcome,
    recap,
    results,
    resultOf: <R>(host: string, task: Task<any, R>) => env.runs.get(host)?.byTask.get(task) as TaskOutcome<R> | undefined,
    interrupted,
  };
}

import type { Task, TaskOutcome } from '../playbook.js';
import type { RunEnv } from './env.js';
import type { HostRecap } from './events.js';
import type { HostResults } from './context.js';

export interface RunSummary {
  exitCode: number;
  recap: Record<string, HostRecap>;
  /** Per host, registered results by task id (`PLAY › NAME`). */
  results: Map<string, HostResults>;
  /** A host's registered result of a task (by its handle). */
  resultOf<R>(host: string, task: Task<any, R>): TaskOutcome<R> | undefined;
  interrupted: boolean;
}

/** Exit code (DESIGN §5), the recap event, and the summary. */
export function summarize(env: RunEnv, started: number): RunSummary {
  const check = env.plan.check;
  const recap: Record<string, HostRecap> = {};
  for (const r of env.runs.values()) recap[r.name] = r.recap;
  const all = Object.values(recap);
  const interrupted = env.opts.signal?.aborted ?? false;
  const exitCode = interrupted
    ? 130
    : all.some((r) => r.failed > 0)
      ? 2
      : all.some((r) => r.unreachable > 0)
        ? 4
        : check && env.opts.detailedExitcode && all.some((r) => r.changed > 0)
          ? 3
          : 0;
  env.opts.emit({ type: 'recap', hosts: recap, durationMs: Date.now() - started, exitCode, check, interrupted });
  const results = new Map([...env.runs.values()].map((r) => [r.name, r.results] as const));
  return {
    exitCode,
    recap,
    results,
    resultOf: <R>(host: string, task: Task<any, R>) => env.runs.get(host)?.byTask.get(task) as TaskOutcome<R> | undefined,
    interrupted,
  };
}

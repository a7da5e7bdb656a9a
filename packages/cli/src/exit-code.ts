import type { RunEvent, RunOutcome } from '@tsplay/core';

/**
 * The CLI's one exit-code policy (README, "Exit codes"), for `run`, `check` and `exec`: the engine
 * reports what happened (`RunOutcome`), the CLI decides what the shell sees.
 *   0 ok (and changes, unless --detailed-exitcode in check mode)   2 a task (or a command) failed
 *   3 check mode with --detailed-exitcode: changes are predicted    4 a host was unreachable
 *   130 interrupted
 */
export function exitCodeFor(
  outcome: RunOutcome,
  opts: { check?: boolean | undefined; detailedExitcode?: boolean | undefined } = {},
): number {
  switch (outcome) {
    case 'interrupted':
      return 130;
    case 'failed':
      return 2;
    case 'unreachable':
      return 4;
    case 'changed':
      return opts.check && opts.detailedExitcode ? 3 : 0;
    case 'ok':
      return 0;
  }
}

/** A summary from this engine (`outcome`), or from an older project-local engine that still chose its exit code. */
export function summaryExitCode(
  s: { outcome?: RunOutcome | undefined; exitCode?: number | undefined },
  opts: { check?: boolean | undefined; detailedExitcode?: boolean | undefined },
): number {
  return s.outcome !== undefined ? exitCodeFor(s.outcome, opts) : (s.exitCode ?? 1);
}

type Recap = Extract<RunEvent, { type: 'recap' }>;

/** The recap event as the CLI reports it: with the exit code the process will end with (`--json` prints it). */
export function withExitCode(e: RunEvent, opts: { check?: boolean | undefined; detailedExitcode?: boolean | undefined }): RunEvent {
  if (e.type !== 'recap') return e;
  const out: Recap & { exitCode: number } = { ...e, exitCode: summaryExitCode(e, opts) };
  return out;
}

import { unknownOutcome } from '../execute.js';
import { TsplayError } from '../errors.js';
import type { Task, TaskOutcome } from '../playbook.js';
import { sleep } from '../sleep.js';

/** What one try gives: an outcome and, when it failed, its error. */
export interface Try<X> {
  outcome: TaskOutcome;
  extra: X & { error?: TsplayError | undefined; attempts?: number | undefined };
}

export interface RetryIo {
  check: boolean;
  log(message: string): void;
  /** Before a new try: forget what the earlier try probed (the host may have changed since). */
  forget(): void;
  signal?: AbortSignal | undefined;
}

/** How many more tries a task allows: its `retries`, 3 when only `until` is given (as Ansible), else none. */
export function retriesOf(t: Pick<Task, 'retries' | 'until'>): number {
  return t.retries ?? (t.until ? 3 : 0);
}

/** Does this try settle the task: unreachable always does; else not failed and, with `until`, `until` holds. */
function settles(t: Pick<Task, 'until'>, o: TaskOutcome): boolean {
  if (o.status === 'unreachable' || o.status === 'skipped' || o.status === 'unknown') return true;
  return o.status !== 'failed' && (t.until ? t.until(o) === true : true);
}

/**
 * `retries`/`until`/`delayMs` on any task: try, and while the try does not settle, pause and try again
 * (at most `retries` more times). Each try after the first is logged. A last try that ran but where
 * `until` never held fails the task. Check mode tries once and never guesses: an `until` that does not
 * hold on the predicted result makes the task unknown (the real run would keep trying).
 */
export async function withRetries<X>(
  t: Pick<Task, 'retries' | 'until' | 'delayMs' | 'name'>,
  io: RetryIo,
  once: () => Promise<Try<X>>,
): Promise<Try<X>> {
  const more = retriesOf(t);
  if (io.check || (more === 0 && !t.until)) {
    const d = await once();
    if (!io.check || !t.until || settles(t, d.outcome) || d.outcome.status === 'failed') return d;
    return { ...d, outcome: unknownOutcome('until does not hold on the predicted result; the real run would try again') };
  }
  const delay = t.delayMs ?? 1000;
  let d = await once();
  let attempt = 1;
  while (!settles(t, d.outcome) && attempt <= more && !io.signal?.aborted) {
    io.log(
      `try ${attempt} of ${more + 1} did not settle (${d.outcome.status}${d.outcome.msg ? `: ${d.outcome.msg}` : ''}); trying again in ${delay} ms`,
    );
    await sleep(delay, io.signal);
    io.forget();
    d = await once();
    attempt += 1;
  }
  const extra = { ...d.extra, attempts: attempt };
  if (settles(t, d.outcome) || d.outcome.status === 'failed') return { ...d, extra };
  const error = new TsplayError('TASK_FAILED', `until condition not met after ${attempt} tries`, {
    task: t.name,
    field: 'until',
    hint: 'raise retries or delayMs, or check the condition',
  });
  return { outcome: { ...d.outcome, status: 'failed', msg: error.message }, extra: { ...extra, error } };
}

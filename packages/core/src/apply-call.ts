import type { Connection } from './connection.js';
import { TsplayError } from './errors.js';
import type { AnyModule, ApplyResult, Plan, PlanContext } from './module.js';
import type { TaskOutcome } from './playbook.js';

export function applyOutcome<R>(res: ApplyResult<unknown>, plan: Plan): TaskOutcome<R> {
  const changed = res.changed ?? plan.changed;
  return {
    status: res.failed ? 'failed' : changed ? 'changed' : 'ok',
    changed,
    data: res.data as R | undefined,
    stdout: res.stdout,
    stderr: res.stderr,
    msg: res.msg,
    summary: plan.summary,
  };
}

/** Calls the module's apply with the plan's facts; aborts it on interrupt or after `timeoutMs`. */
export async function applyWithTimeout(
  conn: Connection,
  module: AnyModule,
  p: { args: unknown; values: Record<string, unknown>; pctx: PlanContext & { baseDir: string } },
  plan: Plan,
  opts: { signal?: AbortSignal | undefined; log?: ((msg: string) => void) | undefined; timeoutMs?: number | undefined },
  where: { host: string; task: string },
): Promise<ApplyResult<unknown>> {
  const apply = module.apply as NonNullable<AnyModule['apply']>;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort);
  let timer: NodeJS.Timeout | undefined;
  try {
    const ctx = {
      facts: p.values,
      conn,
      host: conn.host,
      task: where.task,
      become: p.pctx.become,
      check: p.pctx.check,
      log: opts.log ?? (() => undefined),
      signal: ac.signal,
      baseDir: p.pctx.baseDir,
    };
    const applying = apply(ctx as never, p.args, plan);
    if (!opts.timeoutMs) return await applying;
    const ms = opts.timeoutMs;
    return await Promise.race([
      applying,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => {
          ac.abort();
          rej(
            new TsplayError('COMMAND_TIMEOUT', `task did not finish within ${ms} ms`, {
              ...where,
              hint: 'raise timeoutMs for this task, or look at the host',
            }),
          );
        }, ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

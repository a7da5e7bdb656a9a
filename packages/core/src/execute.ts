import type { Connection } from './connection.js';
import { TsplayError, toTsplayError } from './errors.js';
import type { FactValues } from './facts.js';
import { gatherFacts, type FactCache } from './gather.js';
import type { AnyModule, ApplyResult, Diff, Plan } from './module.js';
import type { Overlay } from './overlay.js';
import type { SigCache } from './sigcache.js';
import type { TaskOutcome } from './playbook.js';
import { formatZodIssues, issueField, sortIssues } from './validate.js';

export interface ExecuteOptions {
  check?: boolean;
  become?: boolean | string;
  overlay?: Overlay | undefined;
  cache?: FactCache | undefined;
  sigCache?: SigCache | undefined;
  task?: string;
  signal?: AbortSignal;
  baseDir?: string;
  log?: (msg: string) => void;
  timeoutMs?: number | undefined;
}

export interface Execution<R = unknown> {
  outcome: TaskOutcome<R>;
  plan: Plan | undefined;
  diff: Diff[] | undefined;
  error: TsplayError | undefined;
}

/** Validate args with the module's schema; errors name the task and the field path. */
export function parseArgs(module: AnyModule, args: unknown, where: { host?: string; task?: string; file?: string } = {}): unknown {
  const r = module.args.safeParse(args);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new TsplayError('ARGS_INVALID', `invalid arguments for module ${module.name}: ${formatZodIssues(r.error.issues)}`, {
    ...where,
    field: issueField(sortIssues(r.error.issues)[0]),
    hint: `see the ${module.name} module's README (docs/modules.md) for its arguments`,
  });
}

/** One task on one host: validate, gather facts (overlay/cache first), plan, and apply unless in check mode. */
export async function executeModule<R = unknown>(
  conn: Connection,
  module: AnyModule,
  rawArgs: unknown,
  opts: ExecuteOptions = {},
): Promise<Execution<R>> {
  const check = opts.check ?? false;
  const become = opts.become ?? false;
  const where = { host: conn.host, task: opts.task ?? module.name };
  let plan: Plan | undefined;
  try {
    const args = parseArgs(module, rawArgs, where);
    const pctx = { host: conn.host, check, become, baseDir: opts.baseDir ?? process.cwd() };
    const facts = module.facts(args, pctx);
    const values = await gatherFacts(conn, facts, {
      become,
      overlay: check ? opts.overlay : undefined,
      cache: opts.cache,
      sigCache: opts.sigCache,
      signal: opts.signal,
    });
    plan = module.plan(values as FactValues<typeof facts>, args, pctx);
    const secretDiff = module.secret?.(args) ?? false;
    const diff = secretDiff ? plan.diff?.map((d) => ({ path: d.path, before: '<secret>', after: '<secret>' })) : plan.diff;
    if (plan.skipped) {
      return { outcome: { status: 'skipped', changed: false, data: undefined, msg: plan.skipped, summary: plan.skipped }, plan, diff, error: undefined };
    }
    const wantsApply = plan.changed || plan.run === true;
    const mayApply = !check || (module.readOnly?.(args) ?? false);
    if (check) opts.overlay?.record(plan.changed ? plan.predict : undefined);
    if (!wantsApply || !mayApply || !module.apply) {
      const data = module.resultFromPlan?.(plan, args) as R | undefined;
      return {
        outcome: { status: plan.changed ? 'changed' : 'ok', changed: plan.changed, data, summary: plan.summary },
        plan,
        diff,
        error: undefined,
      };
    }
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    opts.signal?.addEventListener('abort', onAbort);
    let timer: NodeJS.Timeout | undefined;
    try {
      const applying = module.apply(
        { conn, host: conn.host, task: where.task, become, check, log: opts.log ?? (() => undefined), signal: ac.signal, baseDir: opts.baseDir ?? process.cwd() },
        args,
        plan,
      );
      const res: ApplyResult<unknown> = opts.timeoutMs
        ? await Promise.race([
            applying,
            new Promise<never>((_, rej) => {
              timer = setTimeout(() => {
                ac.abort();
                rej(new TsplayError('COMMAND_TIMEOUT', `task did not finish within ${opts.timeoutMs} ms`, { ...where, hint: 'raise timeoutMs for this task, or look at the host' }));
              }, opts.timeoutMs);
            }),
          ])
        : await applying;
      if (!check && (res.changed ?? plan.changed)) opts.cache?.clear();
      const changed = res.changed ?? plan.changed;
      const outcome: TaskOutcome<R> = {
        status: res.failed ? 'failed' : changed ? 'changed' : 'ok',
        changed,
        data: res.data as R | undefined,
        stdout: res.stdout,
        stderr: res.stderr,
        msg: res.msg,
        summary: plan.summary,
      };
      const error = res.failed ? new TsplayError('TASK_FAILED', res.msg ?? 'task failed', where) : undefined;
      return { outcome, plan, diff: secretDiff ? diff : (res.diff ?? diff), error };
    } finally {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  } catch (e) {
    opts.cache?.clear();
    const error = toTsplayError(e, 'TASK_FAILED').withContext(where);
    return { outcome: { status: 'failed', changed: false, data: undefined, msg: error.message }, plan, diff: undefined, error };
  }
}

import { randomBytes } from 'node:crypto';
import { becomesRoot, withBecomeMethod } from '../become.js';
import type { Connection, ExecResult } from '../connection.js';
import { applied, failed, planResolved, type Execution, type PendingApply } from '../execute.js';
import type { FactCache } from '../gather.js';
import type { ApplyStep } from '../module.js';
import { doneOf } from './done.js';
import { GroupFacts } from './group-facts.js';
import { execSteps, factsAfter } from './probe-after.js';
import type { RunEnv } from './env.js';
import type { HostRun } from './host-run.js';
import type { Task } from '../playbook.js';
import type { Invocation, PlannedPlay, PlannedTask, ResolvedTask } from './plan-types.js';
import { resolveTask } from './resolve.js';
import type { BatchInfo } from './resolve-at-run.js';

/** A task of the group: planned from the cache, with its step when it applies. */
interface Member {
  pt: PlannedTask;
  inv: Invocation;
  planned: { done: Execution } | { pending: PendingApply; step: ApplyStep };
}

/** What the group is built in: the play's batch, the host, and the task that leads it (its become). */
interface GroupCtx {
  env: RunEnv;
  play: PlannedPlay;
  run: HostRun;
  batch: BatchInfo;
  lead: ResolvedTask;
  /** Tasks whose results are not final yet when the lead runs (the lead and every task after it). */
  open: ReadonlySet<Task>;
}

/**
 * A dynamic task resolved ahead of its turn: only when its functions read no result that is not final
 * yet (any host's result of the lead or a later task, or of an earlier task another host running free
 * is not past yet), so its turn would resolve it the same.
 */
function resolveEarly(g: GroupCtx, pt: PlannedTask): ResolvedTask | undefined {
  try {
    const { trace: _t, ...rt } = resolveTask(pt, {
      inventory: g.env.plan.inventory,
      host: g.run.host,
      vars: g.run.vars,
      check: false,
      notified: false,
      play: { name: g.play.name, batch: g.batch.number, hosts: g.batch.hosts },
      baseDir: g.env.plan.baseDir,
      lookup: (h, t) => {
        // under the free strategy another host may not be past an earlier task yet either
        const behind = h !== g.run.name && (g.env.lanes?.final(h, t, Number.POSITIVE_INFINITY) ?? 'final') !== 'final';
        if (g.open.has(t) || behind) throw new Error('not final yet');
        return g.env.runs.get(h)?.byTask.get(t);
      },
    });
    return rt as ResolvedTask;
  } catch {
    return undefined;
  }
}

/**
 * The one invocation of a task that may run ahead with the lead: resolvable now (static, or see
 * `resolveEarly`), not delegated, looped, run once, a barrier, in a block, notified, retried, timed or throttled, at
 * the lead's become; 'skipped' when its `when` is false; undefined otherwise.
 */
function aheadable(g: GroupCtx, pt: PlannedTask): { rt: ResolvedTask; inv: Invocation } | 'skipped' | undefined {
  const t = pt.task;
  if (!pt.selected || t.loop !== undefined || t.runOnce || t.barrier || t.block || t.notifiedBy.length > 0 || t.timeoutMs !== undefined)
    return undefined;
  if (t.retries !== undefined || t.until !== undefined || t.throttle !== undefined) return undefined;
  const planned = g.env.plan.perHost[g.run.name]?.[pt.id];
  const rt = planned?.dynamic ? resolveEarly(g, pt) : planned;
  if (!rt || rt.delegateTo !== undefined || rt.invocations.length !== 1) return undefined;
  if (rt.become !== g.lead.become || rt.becomeMethod !== g.lead.becomeMethod) return undefined;
  const inv = rt.invocations[0];
  if (inv && !inv.when) return 'skipped';
  return inv && inv.factsError === undefined ? { rt, inv } : undefined;
}

/**
 * Plan `pt` and the tasks after it without a probe, while each can be (its facts still hold after the
 * changes planned before it, or the plans of those changes predict them: see GroupFacts): the group ends
 * before the first that cannot, and after its last step.
 */
async function planGroup(g: GroupCtx, pt: PlannedTask, conn: Connection) {
  const { play, run } = g;
  const group: Member[] = [];
  const facts = new GroupFacts(run.cache);
  for (const next of play.tasks.slice(play.tasks.indexOf(pt))) {
    const a = aheadable(g, next);
    if (a === 'skipped' && group.length > 0) continue; // reported skipped when the play reaches it
    if (!a || a === 'skipped') break;
    const { rt, inv } = a;
    const answer = facts.answer(inv.facts);
    if (!answer) break;
    // a read-only task reads the host as it is after the changes before it: check mode would not predict it
    if (answer.predicted && next.task.module.readOnly?.(inv.args)) break;
    const opts = { cache: run.cache, task: inv.task, predicted: answer.predicted };
    const planned = await planResolved(conn, next.task.module, { ...inv, ctx: rt.ctx }, opts);
    if (answer.predicted && ('pending' in planned ? planned.pending.plan : planned.done.plan)?.unknown !== undefined) break;
    if ('done' in planned) {
      if (planned.done.error || group.length === 0) break;
      group.push({ pt: next, inv, planned });
      continue;
    }
    const stepOf = next.task.module.step;
    if (!stepOf) break;
    const p = planned.pending;
    let step: ApplyStep | undefined;
    try {
      step = stepOf(
        { facts: p.p.values, host: run.name, task: p.where.task, become: rt.become, baseDir: p.p.pctx.baseDir },
        p.p.args,
        p.plan,
      );
    } catch {
      break; // its own run reports the error
    }
    if (!step) break; // this plan applies only through the module's apply
    group.push({ pt: next, inv, planned: { pending: p, step } });
    facts.applies(p.plan, next.id);
  }
  const last = group.findLastIndex((m) => 'step' in m.planned);
  return { group: group.slice(0, last + 1), known: facts.known };
}

/**
 * Real runs: when `pt` applies through a step, the tasks after it that can be planned from what is already
 * known apply in the same exec (one script, each step in order, the first failure ends it). Their results
 * wait on the host (`run.ahead`) until the play reaches them, so events, the recap and registrations come
 * in task order as always; their durable notifications are stored as soon as the exec returns. After its steps the
 * same exec records the content facts' answers of what it wrote and probes the facts the tasks after the group read.
 */
export async function runAhead(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  rt: ResolvedTask,
  conn: Connection,
  batch: BatchInfo,
): Promise<void> {
  if (env.plan.check || env.opts.step !== undefined || !pt.task.module.step) return;
  const open = new Set(play.tasks.slice(play.tasks.indexOf(pt)).flatMap((p) => (p.task.origin ? [p.task, p.task.origin] : [p.task])));
  const g: GroupCtx = { env, play, run, batch, lead: rt, open };
  if (typeof aheadable(g, pt) !== 'object') return;
  const { group, known } = await planGroup(g, pt, conn);
  const steps = group.flatMap((m) => ('step' in m.planned ? [m.planned.step] : []));
  const last = group.at(-1);
  const after = last ? factsAfter(env, play, run, batch, play.tasks.indexOf(last.pt) + 1, known, lead(rt)) : { facts: {}, early: [] };
  // a lone step without facts to probe after it applies on its own (its transport's put also clears stale temp
  // files); the next probe records what it wrote
  if (steps.length === 0 || (steps.length < 2 && Object.keys(after.facts).length === 0) || env.opts.signal?.aborted) return;
  const record = writtenRecords(group, known, run, rt.become);
  const nonce = `__tsplay_${randomBytes(6).toString('hex')}`;
  const sent = await execSteps(
    withBecomeMethod(conn, rt.becomeMethod),
    { steps, nonce, become: rt.become, facts: after.facts, record },
    run.sigCache,
  );
  const { results, lost } = sent;
  let j = 0;
  for (const m of group) {
    const ex = 'step' in m.planned ? settle(m, results[j++], lost, run) : m.planned.done;
    if (!ex) return;
    const d = doneOf(ex, m.inv.label, undefined);
    run.ahead.set(m.pt.id, d);
    if (d.outcome.status === 'failed' || d.outcome.status === 'unreachable') return;
    if (d.outcome.changed) for (const id of m.pt.notifies) env.store.add(run.name, id);
  }
  // read after every step ran: newer than what the steps' own changes left in the cache; a fact that names no
  // path holds only while no apply runs before its task (probeAhead's rule)
  if (sent.after) run.cache.absorb(sent.after);
  for (const key of after.early) run.cache.markEarly(key);
}

/**
 * The lines that record, in the host's index, the answers of the content facts (`cacheBy`) of what the group
 * writes, after its steps (SigCache.recordAfterWrite): the facts its changes leave unknown. Undefined when there
 * are none, or the exec would not record (not as root).
 */
function writtenRecords(group: readonly Member[], known: FactCache, run: HostRun, become: boolean | string): string | undefined {
  const asRoot = becomesRoot(become);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const m of group) {
    if (!('step' in m.planned)) continue;
    for (const f of Object.values(m.inv.facts)) {
      if (!f.cacheBy?.length || known.values.has(f.key) || seen.has(f.key)) continue;
      seen.add(f.key);
      const line = run.sigCache.recordAfterWrite(f.key, f.cacheBy, f.script, run.sigCache.hostEntry(f.key, f.script, asRoot));
      if (line !== undefined) out.push(line);
    }
  }
  return out.length > 0 ? out.join('\n') : undefined;
}

const lead = (rt: ResolvedTask) => ({ become: rt.become, method: rt.becomeMethod });

/** A step's execution from its result; undefined when it did not run (an earlier step failed). */
function settle(m: Member, r: ExecResult | undefined, lost: unknown, run: HostRun): Execution | undefined {
  if (!('step' in m.planned)) return m.planned.done;
  const { pending, step } = m.planned;
  const opts = { cache: run.cache, task: pending.where.task };
  if (r === undefined) return lost === undefined ? undefined : failed(lost, pending.where, pending.plan, opts);
  try {
    return applied(m.pt.task.module, pending, step.done(r), opts);
  } catch (e) {
    return failed(e, pending.where, pending.plan, opts);
  }
}

import { toTsplayError } from '../errors.js';
import type { ResolvedHost } from '../inventory/schema.js';
import type { RunEnv, ExecuteRunOptions } from './env.js';
import { overFailLimit } from './batches.js';
import { HostRun, Target } from './host-run.js';
import type { PlannedPlay, PlannedTask, RunPlan } from './plan-types.js';
import { mapLimit } from './pool.js';
import { prefetchFacts } from './prefetch.js';
import { NotificationStore } from './state.js';
import { errorInfo } from './task-events.js';
import { localhostTarget, targetHost } from './resolve.js';
import { rescueUnknown, runTaskOnHost, shareRunOnce } from './task-run.js';
import type { BatchInfo } from './resolve-at-run.js';
import { blockHosts, settleBlocks } from './block-run.js';
import { isBarrier, playIsFree, runFree } from './free.js';
import type { RunSummary } from './summary.js';
import { summarize } from './summary.js';

/** Open a target's connection now (connections start as soon as the inventory is known). */
function dial(env: Pick<RunEnv, 'opts'>, t: Target, onFail: () => void): void {
  const t0 = Date.now();
  const h = t.host;
  t.conn = env.opts.connect(h).then(
    (c) => {
      env.opts.emit({ type: 'connect', host: h.name, ok: true, durationMs: Date.now() - t0 });
      return c;
    },
    (e: unknown) => {
      const err = toTsplayError(e, 'UNREACHABLE').withContext({ host: h.name });
      env.opts.emit({ type: 'connect', host: h.name, ok: false, durationMs: Date.now() - t0, error: errorInfo(err) });
      onFail();
      return undefined;
    },
  );
}

function makeEnv(plan: RunPlan, opts: ExecuteRunOptions): RunEnv {
  const runs = new Map(plan.hosts.map((h) => [h.name, new HostRun(h, plan.vars[h.name], opts.stateDir, !plan.check)]));
  const others = new Map<string, Target>();
  const env: RunEnv = {
    plan,
    opts,
    runs,
    store: new NotificationStore(opts.stateDir, plan.playbook, { readOnly: plan.check }),
    others,
    target(name) {
      const mine = runs.get(name) ?? others.get(name);
      if (mine) return mine;
      const host: ResolvedHost | undefined = targetHost(plan.inventory, name);
      const t = new Target(host ?? localhostTarget(), opts.stateDir, !plan.check);
      if (host) dial(env, t, () => undefined);
      others.set(name, t);
      return t;
    },
  };
  return env;
}

/** The I/O half of a run: drive the plan's plays and batches over one HostRun per host. */
export async function executeRun(plan: RunPlan, opts: ExecuteRunOptions): Promise<RunSummary> {
  const started = Date.now();
  const env = makeEnv(plan, opts);
  opts.emit({
    type: 'run.start',
    playbook: plan.playbook,
    check: plan.check,
    hosts: plan.hosts.map((h) => h.name),
    time: new Date(started).toISOString(),
  });
  for (const run of env.runs.values()) dial(env, run, () => run.markUnreachable());
  try {
    outer: for (const play of plan.plays) {
      for (const [bi, batch] of play.batches.entries()) {
        if (opts.signal?.aborted) break outer;
        const info: BatchInfo = { number: bi + 1, count: play.batches.length, hosts: batch };
        if ((await runBatch(env, play, info)) === 'stop') break outer;
      }
    }
  } finally {
    await closeAll(env);
  }
  return summarize(env, started);
}

/** One batch through the whole play. 'stop' ends the run: a fatal error or the failure limit. */
async function runBatch(env: RunEnv, play: PlannedPlay, batch: BatchInfo): Promise<'go' | 'stop'> {
  const runs = batch.hosts.map((n) => env.runs.get(n) as HostRun).filter((r) => r.live);
  if (runs.length === 0) return 'go';
  env.opts.emit({
    type: 'play.start',
    play: play.name,
    hosts: runs.map((r) => r.name),
    ...(batch.count > 1 ? { batch: batch.number, batches: batch.count } : {}),
  });
  for (const r of runs) r.ahead.clear();
  await prefetchFacts(env, play, runs, batch);
  const linear = { asking: env.opts.step !== undefined };
  const free = playIsFree(env, play);
  // tasks before `linearUntil` run linear: a stretch too small to run free is looked at once, not again per task
  let linearUntil = free ? 0 : play.tasks.length;
  for (let i = 0; i < play.tasks.length; ) {
    if (i >= linearUntil) {
      const stretch = freeStretch(play.tasks, i);
      const live = runs.filter((r) => r.live);
      if (stretch.free && live.length > 1 && !env.opts.signal?.aborted) {
        await runFree(env, play, play.tasks.slice(i, i + stretch.length), live, batch);
        i += stretch.length;
        continue;
      }
      linearUntil = i + Math.max(1, stretch.length);
    }
    const next = await linearTask(env, play, play.tasks[i] as PlannedTask, runs, batch, linear);
    if (next !== 'go') {
      if (next === 'stop') return 'stop';
      break;
    }
    i += 1;
  }
  const failed = runs.filter((r) => !r.live).length;
  return overFailLimit(failed, runs.length, play.maxFailPercentage) ? 'stop' : 'go';
}

/** The tasks from `from` up to the next barrier; they run free when at least two of them are selected. */
function freeStretch(tasks: readonly PlannedTask[], from: number): { length: number; free: boolean } {
  let n = 0;
  while (from + n < tasks.length && !isBarrier(tasks[from + n] as PlannedTask)) n += 1;
  return { length: n, free: tasks.slice(from, from + n).filter((pt) => pt.selected).length > 1 };
}

/** One task on every host of the batch at once (the linear strategy): 'end' when no host is left. */
async function linearTask(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  runs: HostRun[],
  batch: BatchInfo,
  step: { asking: boolean },
): Promise<'go' | 'end' | 'stop'> {
  if (!pt.selected) {
    settleBlocks(play, pt.index, runs);
    return 'go';
  }
  if (env.opts.signal?.aborted) {
    // after an interrupt no task starts, but one a host already applied ahead (in one exec with an earlier
    // task) ran before it: its result is reported, so the recap says what changed on the host
    const applied = runs.filter((r) => r.live && r.ahead.has(pt.id));
    if (applied.length > 0) await runTask(env, play, pt, applied, batch);
    settleBlocks(play, pt.index, runs);
    return 'go';
  }
  const live = runs.filter((r) => r.live);
  if (live.length === 0) return 'end';
  if (step.asking && env.opts.step) {
    const answer = await env.opts.step({ play: play.name, task: pt.name, id: pt.id });
    if (answer === 'no') {
      settleBlocks(play, pt.index, runs);
      return 'go';
    }
    if (answer === 'continue') step.asking = false;
  }
  await runTask(env, play, pt, live, batch);
  settleBlocks(play, pt.index, runs);
  return env.opts.anyErrorsFatal && live.some((r) => !r.live) ? 'stop' : 'go';
}

async function runTask(env: RunEnv, play: PlannedPlay, pt: PlannedTask, all: HostRun[], batch: BatchInfo): Promise<void> {
  const { run: live, unknown } = blockHosts(pt, all);
  if (live.length === 0 && unknown.length === 0) return;
  const t0 = Date.now();
  env.opts.emit({
    type: 'task.start',
    play: play.name,
    task: pt.name,
    id: pt.id,
    index: pt.index,
    hosts: [...live, ...unknown].map((r) => r.name),
    ...(batch.count > 1 ? { batch: batch.number } : {}),
  });
  if (pt.task.runOnce) await runOnce(env, play, pt, live, batch);
  else await mapLimit(live, Math.min(env.opts.forks ?? 10, pt.task.throttle ?? Infinity), (r) => runTaskOnHost(env, play, pt, r, batch));
  for (const r of unknown) await rescueUnknown(env, play, pt, r, batch);
  env.opts.emit({ type: 'task.end', play: play.name, task: pt.name, id: pt.id, index: pt.index, durationMs: Date.now() - t0 });
}

/** The first live host of the batch runs it; the others take its result as their own (event, recap, registration). */
async function runOnce(env: RunEnv, play: PlannedPlay, pt: PlannedTask, live: HostRun[], batch: BatchInfo): Promise<void> {
  for (const first of live) {
    const t0 = Date.now();
    const o = await runTaskOnHost(env, play, pt, first, batch);
    if (o === undefined || o.status === 'unreachable') continue; // the next live host runs it
    const ms = Date.now() - t0;
    for (const r of live) if (r !== first && r.live) shareRunOnce(env, play, pt, first, r, batch, o, ms);
    return;
  }
}

/** A real run leaves its new content-only answers in each host's own index (one exec per host that has any). */
async function writeHostIndexes(env: RunEnv): Promise<void> {
  if (env.plan.check || env.opts.signal?.aborted) return;
  await Promise.all(
    [...env.runs.values()].map(async (r) => {
      const script = r.sigCache.takeHostWrites();
      const conn = script === undefined ? undefined : await r.conn;
      // a cache that cannot be written only costs a re-hash next time
      if (conn && script !== undefined) await conn.exec(script, { become: true, timeoutMs: 10_000 }).catch(() => undefined);
    }),
  );
}

async function closeAll(env: RunEnv): Promise<void> {
  await writeHostIndexes(env);
  for (const r of env.runs.values()) {
    try {
      r.sigCache.save();
    } catch {
      /* a cache that cannot be written only costs speed next time */
    }
  }
  const targets: Target[] = [...env.runs.values(), ...env.others.values()];
  await Promise.all(targets.map(async (t) => (await t.conn)?.close().catch(() => undefined)));
}

import type { RunEnv } from './env.js';
import type { HostRun } from './host-run.js';
import { Slots } from '../slots.js';
import { Lanes } from './lanes.js';
import type { PlannedPlay, PlannedTask } from './plan-types.js';
import type { BatchInfo } from './resolve-at-run.js';
import { blockHosts, settleBlocks } from './block-run.js';
import { rescueUnknown, runTaskOnHost } from './task-run.js';

/**
 * Whether a play runs its stretches free: not when it opts out (`strategy: 'linear'`), when the run asks
 * before each task (--step) or stops at the first failure of any host (--any-errors-fatal).
 */
export function playIsFree(env: RunEnv, play: PlannedPlay): boolean {
  return play.strategy !== 'linear' && env.opts.step === undefined && !env.opts.anyErrorsFatal;
}

/** A task every host of the batch must reach together: run once, delegated (it acts on another target), or a `barrier`. */
export const isBarrier = (pt: PlannedTask): boolean => pt.task.runOnce || pt.task.barrier || pt.task.delegateTo !== undefined;

/** task.start when the first host comes to a task, task.end when every host of the stretch is past it. */
class FreeEvents {
  private readonly started = new Map<string, number>();
  private readonly passed = new Map<string, Set<string>>();

  constructor(
    private readonly env: RunEnv,
    private readonly play: PlannedPlay,
    private readonly batch: BatchInfo,
    private readonly runs: readonly HostRun[],
  ) {}

  start(pt: PlannedTask): void {
    if (this.started.has(pt.id)) return;
    this.started.set(pt.id, Date.now());
    const past = this.passed.get(pt.id);
    this.env.opts.emit({
      type: 'task.start',
      play: this.play.name,
      task: pt.name,
      id: pt.id,
      index: pt.index,
      hosts: this.runs.filter((r) => r.live && !past?.has(r.name)).map((r) => r.name),
      ...(this.batch.count > 1 ? { batch: this.batch.number } : {}),
    });
  }

  pass(pt: PlannedTask, run: HostRun): void {
    const past = this.passed.get(pt.id) ?? new Set<string>();
    this.passed.set(pt.id, past);
    if (past.has(run.name)) return;
    past.add(run.name);
    const t0 = this.started.get(pt.id);
    if (past.size < this.runs.length || t0 === undefined) return;
    const { play } = this;
    this.env.opts.emit({ type: 'task.end', play: play.name, task: pt.name, id: pt.id, index: pt.index, durationMs: Date.now() - t0 });
  }
}

/**
 * The free strategy over a stretch of a play (no barrier in it): each host runs through the tasks on its
 * own, as fast as its own results allow, with at most `forks` tasks running at once (and a task's own
 * `throttle`). A task that reads another host's result of an earlier task waits for that host (lanes.ts).
 */
export async function runFree(
  env: RunEnv,
  play: PlannedPlay,
  tasks: readonly PlannedTask[],
  runs: HostRun[],
  batch: BatchInfo,
): Promise<void> {
  const lanes = new Lanes(
    play,
    runs.map((r) => r.name),
    new Slots(env.opts.forks ?? 10),
  );
  const events = new FreeEvents(env, play, batch, runs);
  const throttles = new Map(tasks.flatMap((pt) => (pt.task.throttle !== undefined ? [[pt.id, new Slots(pt.task.throttle)]] : [])));
  env.lanes = lanes;
  try {
    await Promise.all(
      runs.map(async (run) => {
        try {
          for (const pt of tasks) {
            if (!run.live) break;
            lanes.reach(run.name, pt.index);
            // after an interrupt only a task this host already applied ahead is reported (see linearTask)
            if (pt.selected && (!env.opts.signal?.aborted || run.ahead.has(pt.id)))
              await runOne(env, play, pt, run, batch, { lanes, events, throttle: throttles.get(pt.id) });
            settleBlocks(play, pt.index, [run]);
            events.pass(pt, run);
          }
        } finally {
          lanes.leave(run.name);
          for (const pt of tasks) events.pass(pt, run);
        }
      }),
    );
  } finally {
    env.lanes = undefined;
  }
}

async function runOne(
  env: RunEnv,
  play: PlannedPlay,
  pt: PlannedTask,
  run: HostRun,
  batch: BatchInfo,
  s: { lanes: Lanes; events: FreeEvents; throttle: Slots | undefined },
): Promise<void> {
  const { run: go, unknown } = blockHosts(pt, [run]);
  if (go.length === 0 && unknown.length === 0) return;
  s.events.start(pt);
  await s.throttle?.take();
  await s.lanes.forks.take(); // held while it runs; a wait for another host gives it back meanwhile
  try {
    if (go.length > 0) await runTaskOnHost(env, play, pt, run, batch);
    else await rescueUnknown(env, play, pt, run, batch);
  } finally {
    s.lanes.forks.give();
    s.throttle?.give();
  }
}

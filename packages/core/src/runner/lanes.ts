import type { Task } from '../playbook.js';
import type { Slots } from '../slots.js';
import type { PlannedPlay } from './plan-types.js';

/** What a lookup must wait for: `host` to be past the task at `index`. */
export interface NotYet {
  host: string;
  index: number;
}

/**
 * The free strategy's bookkeeping for one stretch of a play: where each host's own chain of tasks is (the
 * index of the task it is at), so a task that reads another host's result of an earlier task waits until
 * that host is past it, as it always is in the linear strategy.
 */
export class Lanes {
  private readonly at = new Map<string, number>();
  private readonly waiters: { host: string; index: number; wake: () => void }[] = [];
  private readonly index = new Map<Task, number>();

  constructor(
    play: PlannedPlay,
    hosts: readonly string[],
    readonly forks: Slots,
  ) {
    for (const pt of play.tasks) {
      this.index.set(pt.task, pt.index);
      if (pt.task.origin) this.index.set(pt.task.origin, pt.index);
    }
    for (const h of hosts) this.at.set(h, 0);
  }

  /** `host` starts the task at `index` (every task before it is behind it). */
  reach(host: string, index: number): void {
    this.at.set(host, index);
    this.wake();
  }

  /** `host` is done with this stretch (its last task ran, or it failed or became unreachable). */
  leave(host: string): void {
    this.at.set(host, Number.POSITIVE_INFINITY);
    this.wake();
  }

  /**
   * Whether `host`'s result of `t` is final for a task at `mine` of another host: a task outside this
   * play, a host outside these lanes, or a host already past it. A task at or after `mine` never is:
   * in the linear strategy no other host has run it yet either.
   */
  final(host: string, t: Task, mine: number): NotYet | 'final' | 'not yet run' {
    const i = this.index.get(t);
    const at = this.at.get(host);
    if (i === undefined || at === undefined) return 'final';
    if (i >= mine) return 'not yet run';
    return at > i ? 'final' : { host, index: i };
  }

  /** Resolves when `w.host` is past the task at `w.index`; the caller's fork slot is free meanwhile. */
  async wait(w: NotYet): Promise<void> {
    this.forks.give();
    try {
      await new Promise<void>((wake) => {
        this.waiters.push({ host: w.host, index: w.index, wake });
        this.wake();
      });
    } finally {
      await this.forks.take();
    }
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as (typeof this.waiters)[number];
      if ((this.at.get(w.host) ?? Number.POSITIVE_INFINITY) > w.index) {
        this.waiters.splice(i, 1);
        w.wake();
      }
    }
  }
}

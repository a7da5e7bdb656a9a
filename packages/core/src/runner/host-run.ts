import { join } from 'node:path';
import type { Connection } from '../connection.js';
import { FactCache } from '../gather.js';
import type { ResolvedHost } from '../inventory/schema.js';
import { Overlay } from '../overlay.js';
import type { Task, TaskOutcome } from '../playbook.js';
import { HOST_INDEX_DIR } from '../host-index.js';
import { SigCache } from '../sigcache.js';
import type { HostRecap } from './events.js';
import type { ResolvedTask } from './plan-types.js';
import type { Done } from './done.js';

/** Where a task runs: a connection and the per-host state facts are answered from. */
export class Target {
  readonly overlay = new Overlay();
  readonly cache = new FactCache();
  readonly sigCache: SigCache;
  conn: Promise<Connection | undefined> = Promise.resolve(undefined);

  /** `record`: a real run (its probes record fresh answers in the host's own index: see SigCache). */
  constructor(
    readonly host: ResolvedHost,
    stateDir: string | undefined,
    record = false,
  ) {
    const file = `${host.name}@${host.address}_${host.port ?? 22}.json`.replace(/[^A-Za-z0-9_.@-]/g, '_');
    // the host's own index only on real hosts: the workstation's cache already serves `connection: local`
    this.sigCache = new SigCache(stateDir ? join(stateDir, 'sig', file) : undefined, {
      hostDir: host.connection === 'local' ? undefined : HOST_INDEX_DIR,
      record,
    });
  }
}

/** One host of the run: its target plus its recap, registered results and liveness. */
export class HostRun extends Target {
  readonly recap: HostRecap = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, unknown: 0, rescued: 0, durationMs: 0 };
  /** Blocks this host failed in (by the block's id): in its tasks ('block'), its rescue, or unknown (check mode). */
  readonly blocks = new Map<object, 'block' | 'rescue' | 'unknown'>();
  /** Registered results by task id, and by task handle (for `ctx.result(task)`). */
  readonly results = new Map<string, TaskOutcome>();
  readonly byTask = new Map<Task, TaskOutcome>();
  /** Dynamic tasks as the batch's prefetch resolved them, by task id (their run reuses equal args). */
  readonly guesses = new Map<string, ResolvedTask>();
  /** Results of tasks already applied ahead in one exec with an earlier task (see run-ahead.ts), by task id. */
  readonly ahead = new Map<string, Done>();
  unreachable = false;
  failed = false;

  constructor(
    host: ResolvedHost,
    readonly vars: unknown,
    stateDir: string | undefined,
    record = false,
  ) {
    super(host, stateDir, record);
  }

  get name(): string {
    return this.host.name;
  }

  get live(): boolean {
    return !this.unreachable && !this.failed;
  }

  register(id: string, task: Task, o: TaskOutcome): void {
    this.results.set(id, o);
    this.byTask.set(task, o);
    if (task.origin) this.byTask.set(task.origin, o);
  }

  /** Count an outcome in the recap (an unreachable host counts once). */
  count(o: TaskOutcome, durationMs: number): void {
    this.recap.durationMs += durationMs;
    if (o.status === 'unreachable') this.markUnreachable();
    else this.recap[o.status] += 1;
  }

  markUnreachable(): void {
    if (this.unreachable) return;
    this.unreachable = true;
    this.recap.unreachable += 1;
  }
}

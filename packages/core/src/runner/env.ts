import type { Connection } from '../connection.js';
import type { ResolvedHost } from '../inventory/schema.js';
import type { EventSink } from './events.js';
import type { HostRun, Target } from './host-run.js';
import type { Lanes } from './lanes.js';
import type { RunPlan } from './plan-types.js';
import type { NotificationStore } from './state.js';

export type StepAnswer = 'yes' | 'no' | 'continue';
export type StepPrompt = (t: { play: string; task: string; id: string }) => Promise<StepAnswer>;

/** How a plan is executed: the I/O side of a run. */
export interface ExecuteRunOptions {
  connect: (host: ResolvedHost) => Promise<Connection>;
  emit: EventSink;
  diff?: boolean | undefined;
  forks?: number | undefined;
  anyErrorsFatal?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Where durable notifications and signature caches are kept (workstation side). */
  stateDir?: string | undefined;
  /** Read by `planRun` (`PlanOptions.baseDir`): a resolved task carries it in its plan context. */
  baseDir?: string | undefined;
  step?: StepPrompt | undefined;
}

/** Everything a running task needs: the plan, its hosts, the options and the shared stores. */
export interface RunEnv {
  plan: RunPlan;
  opts: ExecuteRunOptions;
  runs: Map<string, HostRun>;
  store: NotificationStore;
  /** The target of a delegated task (a host of the run, another inventory host, or localhost). */
  target(name: string): Target;
  /** Delegates that are not hosts of the run, by name (dialled on first use). */
  others: Map<string, Target>;
  /** While a stretch of a play runs free: where each host is (free.ts). */
  lanes?: Lanes | undefined;
}

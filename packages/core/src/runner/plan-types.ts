import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import type { Task } from '../playbook.js';

/**
 * A run as plain data, made by the pure `planRun` before any host is contacted and driven by
 * `executeRun`. Functions of the playbook (args, when, loop) stay on `task`; what could be decided
 * without a host (selection, batches, static args, per-host args that read no run-time state) is here.
 */
export interface RunPlan {
  playbook: string;
  check: boolean;
  inventory: Inventory;
  /** Hosts of the run: selected by --limit and named by some play. */
  hosts: ResolvedHost[];
  /** Each host's validated vars. */
  vars: Record<string, unknown>;
  plays: PlannedPlay[];
  /** Per host, per task id: what plan time could already decide. */
  perHost: Record<string, Record<string, HostTaskPlan>>;
}

export interface PlannedPlay {
  name: string;
  index: number;
  /** The play's hosts in this run, in inventory order. */
  hosts: string[];
  /** Rolling batches (`serial`): each runs the whole play before the next. */
  batches: string[][];
  maxFailPercentage?: number | undefined;
  become: boolean | string | undefined;
  tasks: PlannedTask[];
}

export interface PlannedTask {
  /** The task's one identity: `PLAY › NAME`, used by results, notifications, events and errors. */
  id: string;
  index: number;
  name: string;
  task: Task;
  /** False when --tags/--skip-tags/--start-at-task leave it out. */
  selected: boolean;
  /** Task become, else the play's (the host's own default applies at run time). */
  become: boolean | string | undefined;
  /** Ids of the tasks of this play that it notifies when it changes (their `notifiedBy`). */
  notifies: string[];
}

/** One invocation of a task on a host: one without `loop`, one per item with it. */
export interface Invocation {
  item?: unknown;
  label?: string | undefined;
  /** The args as the task gave them, and as the module's schema parsed them. */
  raw: unknown;
  args: unknown;
  /** False: `when` was false for this invocation. */
  when: boolean;
}

/** What plan time decided for a task on a host; `dynamic` tasks are evaluated when they run. */
export type HostTaskPlan = { dynamic: true } | { dynamic: false; delegateTo?: string | undefined; invocations: Invocation[] };

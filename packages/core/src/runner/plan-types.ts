import type { BecomeMethod } from '../connection.js';
import type { Inventory, ResolvedHost } from '../inventory/schema.js';
import type { FactQuery } from '../facts.js';
import type { PlanContext } from '../module.js';
import type { Task } from '../playbook.js';

/**
 * A run as plain data, made by the pure `planRun` before any host is contacted and driven by
 * `executeRun`. Functions of the playbook (args, when, loop) stay on `task`; what could be decided
 * without a host (selection, batches, static args, per-host args that read no run-time state) is here.
 */
export interface RunPlan {
  playbook: string;
  check: boolean;
  /** Local directory that relative workstation paths resolve against (modules' `PlanContext.baseDir`). */
  baseDir: string;
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
  /** The play's strategy (`Play.strategy`): 'free' unless it opts out. */
  strategy: 'free' | 'linear';
  become: boolean | string | undefined;
  /** The play's `becomeUser` and `becomeMethod` (the batched prefetch runs with them). */
  becomeUser?: string | undefined;
  becomeMethod?: BecomeMethod | undefined;
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
  /** The user to become when become is on: the task's (`become: 'u'` or `becomeUser`), else the play's `becomeUser`. */
  becomeUser?: string | undefined;
  /** Task `becomeMethod`, else the play's (else the host's, in the transport). */
  becomeMethod?: BecomeMethod | undefined;
  /** Ids of the tasks of this play that it notifies when it changes (their `notifiedBy`). */
  notifies: string[];
}

/** One invocation of a task on a host: one without `loop`, one per item with it. */
export interface Invocation {
  item?: unknown;
  label?: string | undefined;
  /** The id in events and errors: the task's, with the item's label. */
  task: string;
  /** The args as the task gave them, and as the module's schema parsed them (once). */
  raw: unknown;
  args: unknown;
  /** False: `when` was false for this invocation. */
  when: boolean;
  /** The module's fact queries for these args, by the module's own keys (pure). */
  facts: Record<string, FactQuery>;
  /** Thrown by the module's `facts`: reported when the task runs. */
  factsError?: unknown;
}

/**
 * A task resolved for one host, once: what the prefetch, the executor and the result events all
 * read. `ctx` is the module's plan context; its `host` names the host the module reads and changes
 * (the delegate for a delegated task), and `become` is the one effective become level.
 */
export interface ResolvedTask {
  dynamic: false;
  delegateTo?: string | undefined;
  become: boolean | string;
  /** The become method of every call of this task (undefined: the host's). */
  becomeMethod?: BecomeMethod | undefined;
  ctx: PlanContext & { baseDir: string };
  invocations: Invocation[];
}

/** What plan time decided for a task on a host; `dynamic` tasks are resolved when they run. */
export type HostTaskPlan = { dynamic: true } | ResolvedTask;

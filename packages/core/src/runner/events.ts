import type { Diff } from '../module.js';
import type { TaskStatus } from '../playbook.js';

/** A coded error as it appears in events (already redacted). */
export interface ErrorInfo {
  code: string;
  message: string;
  host?: string | undefined;
  task?: string | undefined;
  field?: string | undefined;
  hint?: string | undefined;
}

/**
 * What a run came to, the worst first: interrupted, some task failed, some host unreachable, some
 * change made (in check mode: predicted), else ok. The CLI maps it to an exit code (cli/src/exit-code.ts).
 */
export type RunOutcome = 'interrupted' | 'failed' | 'unreachable' | 'changed' | 'ok';

export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  /** Check mode: tasks that depend on state an earlier task would change (see docs/check-mode.md). */
  unknown: number;
  /** Blocks whose failure a rescue recovered (Ansible's `rescued`). */
  rescued: number;
  durationMs: number;
}

/**
 * The typed event stream of a run. `--json` prints one per line (NDJSON), exactly these shapes.
 * Every string in an event has been through `redact`.
 */
export type RunEvent =
  | { type: 'run.start'; playbook: string; check: boolean; hosts: string[]; time: string }
  | { type: 'connect'; host: string; ok: boolean; durationMs: number; error?: ErrorInfo | undefined }
  | { type: 'play.start'; play: string; hosts: string[]; batch?: number | undefined; batches?: number | undefined }
  | { type: 'task.start'; play: string; task: string; id: string; index: number; hosts: string[]; batch?: number | undefined }
  | {
      type: 'task.result';
      play: string;
      task: string;
      /** The task's id (`PLAY › NAME`), the same in results, notifications and errors. */
      id: string;
      index: number;
      host: string;
      /** A loop item's label (one result per item). */
      item?: string | undefined;
      /** The host whose connection ran it (`delegateTo`), or the host that ran a `runOnce` task for this one. */
      delegatedTo?: string | undefined;
      runOnce?: boolean | undefined;
      /** The block this task belongs to, and its part (`block`, `rescue`, `always`). */
      block?: { name: string; part: 'block' | 'rescue' | 'always' } | undefined;
      /** Tries made, when the task retried (`retries`/`until`). */
      attempts?: number | undefined;
      batch?: number | undefined;
      status: TaskStatus;
      changed: boolean;
      summary?: string | undefined;
      msg?: string | undefined;
      stdout?: string | undefined;
      diff?: Diff[] | undefined;
      durationMs: number;
      error?: ErrorInfo | undefined;
    }
  | { type: 'task.end'; play: string; task: string; id: string; index: number; durationMs: number }
  | { type: 'log'; host?: string | undefined; task?: string | undefined; id?: string | undefined; message: string }
  | {
      type: 'recap';
      hosts: Record<string, HostRecap>;
      durationMs: number;
      /** The worst that happened (`RunOutcome`); the CLI maps it to its exit code, which `--json` adds here as `exitCode`. */
      outcome: RunOutcome;
      check: boolean;
      interrupted: boolean;
    };

export type EventSink = (e: RunEvent) => void;

/**
 * `@tsplay/core`: the authoring API: playbooks, tasks, modules, inventories, shell quoting, secrets, errors,
 * and running a playbook. Module internals are in `@tsplay/core/module`, connections in
 * `@tsplay/core/transport`, the runner's and inventory's parts for the CLI in `@tsplay/core/engine`.
 */
export { TsplayError, isTsplayError } from './errors.js';
export type { ErrorCode, ErrorCodes, ErrorDetails } from './errors.js';
export { sh, shf, quote, raw, argv, ShellFragment } from './sh.js';
export { Secret, secret, isSecret, reveal, redact } from './secret.js';
export { defineModule } from './module.js';
export type {
  Module,
  ModuleDef,
  ModuleArgs,
  ModuleResult,
  Plan,
  Prediction,
  Diff,
  ApplyContext,
  ApplyResult,
  ApplyStep,
  StepContext,
  PlanContext,
  TaskLog,
} from './module.js';
export { task, definePlaybook } from './playbook.js';
export type {
  Task,
  TaskOptions,
  TaskContext,
  TaskOutcome,
  TaskStatus,
  Play,
  Playbook,
  PlaybookSpec,
  HostInfo,
  TypedTask,
  ArgsOf,
  ArgsFn,
  ExactArgs,
  DeepReadonly,
  SerialSpec,
} from './playbook.js';
export { block } from './runner/block.js';
export type { BlockSpec } from './runner/block.js';
export { defineInventory } from './inventory/schema.js';
export type { Inventory, InventoryFile, ResolvedHost } from './inventory/schema.js';
export { planRun } from './runner/plan.js';
export { executeRun } from './runner/execute-run.js';
export { runPlaybook } from './runner/run.js';
export type { RunOptions } from './runner/run.js';
export { loadInventory } from './inventory/load.js';
export type { RunEvent } from './runner/events.js';
export type { RunSummary, RunOutcome } from './runner/summary.js';
export type { RunPlan } from './runner/plan-types.js';
export type { ExecuteRunOptions } from './runner/env.js';
export type { Connection, ExecOptions, ExecResult, PathState, PathType } from './connection.js';

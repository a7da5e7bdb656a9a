export { TsplayError, isTsplayError, toTsplayError, formatError } from './errors.js';
export type { ErrorCode, ErrorCodes, CoreErrorCode, CoreErrorCodes, ErrorDetails } from './errors.js';
export { sh, shf, quote, raw, argv, ShellFragment } from './sh.js';
export { Secret, secret, isSecret, reveal, redact, redactValue, registerSecret } from './secret.js';
export { encryptedAs, localFileOpener, setLocalFileOpener, type LocalFileOpener } from './secret.js';
export type { Connection, ExecOptions, ExecResult, PutOptions, StatOptions, PathState, PathType } from './connection.js';
export {
  pathFact,
  unitFact,
  commandFact,
  execFact,
  parsePathProbe,
  parseUnitShow,
  pathScript,
  batchScript,
  splitBatch,
  UnknownFact,
  unknownFact,
  isUnknownFact,
} from './facts.js';
export type { FactQuery, FactValue, FactValues, UnitState, OverlayView } from './facts.js';
export { defineModule } from './module.js';
export type {
  Module,
  AnyModule,
  ModuleDef,
  ModuleArgs,
  ModuleResult,
  Plan,
  Prediction,
  Diff,
  ApplyContext,
  ApplyResult,
  PlanContext,
  TaskLog,
} from './module.js';
export { task, definePlaybook, isPlaybook, CORE_INSTANCE } from './playbook.js';
export type { Task, TaskOptions, TaskContext, TaskOutcome, TaskStatus, Play, Playbook, PlaybookSpec, HostInfo, TypedTask, ArgsOf, ArgsFn, ExactArgs, DeepReadonly, SerialSpec } from './playbook.js';
export { Overlay } from './overlay.js';
export { wrapCommand, checkBecome, becomeStdin, usesBecome, type BecomeSpec } from './become.js';
export { LocalConnection, atomicWriteLocal } from './local.js';
export { safeWriteScript, safeMkdirScript, safeAttrScript, safeWriteRefusal, staleTempCleanup, UNSAFE_PATH_EXIT } from './safe-write.js';
export type { SafeWriteTarget, SafeWriteOptions } from './safe-write.js';
export { unsafePathError } from './safe-write.js';
export type { DirSafety } from './safe-write.js';
export { dirSafetyFact } from './safe-dir-fact.js';
export { gatherFacts, probe, FactCache } from './gather.js';
export type { GatherOptions } from './gather.js';
export { executeModule, parseArgs, unknownOutcome } from './execute.js';
export type { ExecuteOptions, Execution } from './execute.js';
export { formatZodIssues } from './validate.js';
export { SigCache, SIG_FORMAT } from './sigcache.js';
export * from './inventory/index.js';
export * from './runner/index.js';

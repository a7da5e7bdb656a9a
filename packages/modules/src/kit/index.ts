/**
 * The module kit (`@tsplay/modules/kit`): what a module author needs, and the only door the built-in
 * modules use (a lint rule keeps them off `@tsplay/core`). See docs/writing-modules.md.
 */

// Defining a module and its tasks
export { defineModule, task } from '@tsplay/core';
export type {
  Module,
  Plan,
  Prediction,
  Diff,
  ApplyContext,
  ApplyResult,
  ApplyStep,
  StepContext,
  PlanContext,
  Task,
  TaskContext,
  TaskOptions,
} from '@tsplay/core';

// Facts: a command plus a pure parser, keyed after themselves
export { pathFact, unitFact, execFact, unknownFact, isUnknownFact, parsePathProbe } from '@tsplay/core/module';
export { pathScript } from '@tsplay/core/transport';
export type { PathState, PathType, ExecResult } from '@tsplay/core';
export type { FactQuery, FactValue, FactValues, OverlayView, UnitState, UnknownFact } from '@tsplay/core/module';
export { defineFact, textFact, textFromOverlay, parseText, textScript, TEXT_MAX_BYTES } from './facts.js';
export type { FactSpec, TextContent } from './facts.js';
export { identityFact, newOwnership } from '../common/identity.js';
export type { Identity } from '../common/identity.js';

// Shell, secrets, errors
export { sh, quote, argv, TsplayError, Secret, secret, isSecret, reveal, redact } from '@tsplay/core';
export { registerSecret } from '@tsplay/core/module';
export type { ErrorDetails } from '@tsplay/core';
export { errorCodes } from './errors.js';

// Writing on the host: the one safe primitive (checked directories, temp file, owner/mode on it, fsync, rename)
export { safeWriteScript, safeMkdirScript, safeAttrScript, safeWriteRefusal, safeRunScript, safeCheckFunctions } from '@tsplay/core/module';
export type { SafeWriteTarget } from '@tsplay/core/module';

// Whole files: content (copy, template), text edits (lineinfile, blockinfile), workstation files
export { predictFile } from './predict.js';
export { destFacts, oldContentFact } from '../common/content-facts.js';
export type { DestFacts, OldContent } from '../common/content-facts.js';
export { planContent } from '../common/content-plan.js';
export type { ContentTarget, ContentPlanData, Payload } from '../common/content-plan.js';
export { applyContent, contentStep } from '../common/content-apply.js';
export type { ContentResult } from '../common/content-apply.js';
export { contentTargetShape } from '../common/content-args.js';
export { readLocalFile, localFileFact } from '../common/local-file.js';
export type { LocalFile } from '../common/local-file.js';
export { sha256Hex } from '../common/known-content.js';
export { textFileFacts, currentText, planTextFile, planTextEdit, applyTextFile } from './text-file.js';
export type { TextFileFacts } from './text-file.js';
export { defineTextFileModule } from './text-module.js';
export type { TextFileModuleDef, TextFileModule } from './text-module.js';

// Attributes, modes, paths
export {
  attrChanges,
  attrScript,
  attrText,
  chownSpec,
  describeChanges,
  withAttrs,
  ownerSpec,
  principalSchema,
  SCRIPT_EXIT,
} from '../common/attrs.js';
export type { Attrs, AttrChange } from '../common/attrs.js';
export { modeSchema, formatMode } from '../common/mode.js';
export { absPathSchema, normalizeHostPath, hostDirname, hostBasename, ancestors } from '../common/paths.js';

// Testing: plan and fact tables
export { planCase, planTable, factTable, fastPathCase } from './harness.js';
export type { PlanCase, PlanOutcome, FactCase, FastPathOutcome, TestApi } from './harness.js';
export { writeSafetyFacts, unsafeWrite, runsSafeWrite } from './write-safety.js';
export type { WriteSafetyFacts } from './write-safety.js';

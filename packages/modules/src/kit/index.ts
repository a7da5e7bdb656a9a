/**
 * The module kit (`@tsplay/modules/kit`): what a module author needs, the same pieces the built-in
 * modules use. See docs/writing-modules.md.
 */
export { defineModule, pathFact, unitFact, commandFact, unknownFact, isUnknownFact, sh, quote, argv, TsplayError, Secret, secret, isSecret } from '@tsplay/core';
export type { FactQuery, FactValues, OverlayView, PathState, Plan, Prediction, ApplyContext, ApplyResult, PlanContext, Diff, ExecResult } from '@tsplay/core';
export { defineFact, textFact, textFromOverlay, parseText, TEXT_MAX_BYTES } from './facts.js';
export type { FactSpec, TextContent } from './facts.js';
export { predictFile } from './predict.js';
export { errorCodes } from './errors.js';
export { planCase, planTable, factTable } from './harness.js';
export type { PlanCase, PlanOutcome, FactCase, TestApi } from './harness.js';
export { textFileFacts, currentText, planTextFile, planTextEdit, applyTextFile } from './text-file.js';
export type { TextFileFacts } from './text-file.js';
export { attrChanges, attrScript, attrText, describeChanges, withAttrs, ownerSpec, principalSchema } from '../common/attrs.js';
export type { Attrs, AttrChange } from '../common/attrs.js';
export { modeSchema, formatMode } from '../common/mode.js';
export { absPathSchema, normalizeHostPath, hostDirname, hostBasename } from '../common/paths.js';
export { identityFact, newOwnership } from '../common/identity.js';
export type { Identity } from '../common/identity.js';
export { contentTargetShape } from '../common/content-args.js';
export type { ContentTarget, ContentPlanData } from '../common/content-plan.js';
export { sha256Hex } from '../common/known-content.js';
export { defineTextFileModule } from './text-module.js';
export type { TextFileModuleDef, TextFileModule } from './text-module.js';

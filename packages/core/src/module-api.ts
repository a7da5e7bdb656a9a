/** `@tsplay/core/module`: what the module kit (`@tsplay/modules/kit`) builds on: facts, the safe write, module execution. */
export {
  pathFact,
  unitFact,
  commandFact,
  execFact,
  parsePathProbe,
  parseUnitShow,
  UnknownFact,
  unknownFact,
  isUnknownFact,
} from './facts.js';
export type { FactQuery, FactValue, FactValues, UnitState, OverlayView } from './facts.js';
export { unitShowRead } from './unit-batch.js';
export type { UnitShow } from './unit-batch.js';
export { Overlay } from './overlay.js';
export type { AnyModule } from './module.js';
export { safeWriteScript, safeMkdirScript, safeAttrScript, safeWriteRefusal, unsafePathError } from './safe-write.js';
export type { SafeWriteTarget, SafeWriteOptions } from './safe-write.js';
export type { DirSafety, DirChain } from './safe-dir-fact.js';
export { safeRunScript, safeCheckFunctions } from './safe-run.js';
export { dirChainFact } from './safe-dir-fact.js';
export { becomesRoot } from './become.js';
export { encryptedAs, localFileOpener, setLocalFileOpener, registerSecret, redactValue } from './secret.js';
export type { LocalFileOpener } from './secret.js';
export { formatZodIssues } from './validate.js';
export { parseArgs, executeModule, unknownOutcome } from './execute.js';
export type { ExecuteOptions, Execution } from './execute.js';
export { FactCache, gatherFacts, probe } from './gather.js';
export { sleep } from './sleep.js';
export type { GatherOptions } from './gather.js';

/** `@tsplay/core/transport`: what a connection (ssh, local) implements and uses: become wrapping, path probes, batches, the signature cache. */
export type { PutOptions, StatOptions } from './connection.js';
export { LocalConnection, atomicWriteLocal } from './local.js';
export { wrapCommand, checkBecome, becomeStdin, usesBecome } from './become.js';
export type { BecomeSpec } from './become.js';
export { pathScript } from './facts.js';
export { batchScript, splitBatch } from './batch.js';
export { staleTempCleanup, UNSAFE_PATH_EXIT } from './safe-write.js';
export { effectiveIds } from './safe-check.js';
export { SigCache, SIG_FORMAT } from './sigcache.js';
export { Slots } from './slots.js';

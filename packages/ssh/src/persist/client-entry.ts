/**
 * What the CLI needs for a persisted run, without ssh2 (~100 ms of start-up, docs/performance.md): meant as its
 * own build entry (`@tsplay/ssh/persist`), so that a run through the daemon never loads the SSH library.
 * The direct path (`--persist 0`, or no daemon) imports it on demand.
 */
export { connectPersisted, persistSeconds } from './connect.js';
export type { PersistOptions } from './connect.js';
export { acquireRunLock } from '../run-lock.js';

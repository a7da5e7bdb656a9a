/**
 * The resident runner's thin client and its staleness record, with node built-ins only (no @tsplay/core, no
 * ssh2): meant as its own build entry (`@tsplay/ssh/resident`), loaded by the CLI before anything else.
 */
export { residentRun } from './resident-client.js';
export type { ResidentOutcome, ResidentStreams } from './resident-client.js';
export type { RunRequest, RunIO, ResidentProgram, StreamFacts } from './resident-wire.js';
export { LoadedFiles, watchLoaded } from './stamps.js';
export { persistDir } from './safe.js';
export { persistSeconds } from './safe.js';
export { DAEMON_START_WAIT_MS, prepareDirs, startDaemon } from './spawn-daemon.js';

export { connectPersisted, persistSeconds } from './connect.js';
export type { PersistOptions } from './connect.js';
export { startPersistDaemon, runPersistDaemon } from './daemon.js';
export type { DaemonOptions, PersistDaemon } from './daemon.js';
export { PersistedConnection } from './connection.js';
export { persistDir, PERSIST_PROTOCOL } from './paths.js';
export type { DaemonInfo } from './paths.js';

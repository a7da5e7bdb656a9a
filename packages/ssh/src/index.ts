import './error-codes.js';
export { connectSsh, sshTransport } from './connect.js';
export type { Transport } from './connect.js';
export { SshConnection, MAX_CHANNELS } from './connection.js';
export type { SshHostSpec, ConnectOptions, SshTarget } from './spec.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SERVER_ALIVE_INTERVAL, DEFAULT_SERVER_ALIVE_COUNT_MAX } from './spec.js';
export { resolveTarget } from './resolve.js';
export { lookupSshConfig, parseSshConfig, parseJumpHop, expandTokens } from './ssh-config.js';
export type { SshConfigEntry } from './ssh-config.js';
export {
  parseKnownHosts,
  checkHostKey,
  hostFieldMatches,
  knownHostName,
  fingerprint,
  keyType,
  knownHostsLine,
} from './known-hosts.js';
export type { KnownHostEntry, HostKeyVerdict } from './known-hosts.js';
export { matchPatternList } from './pattern.js';
export { putScript } from './put-script.js';
export { acquireRunLock, runLockScript, parseBusyLine, describeHolder, RUN_LOCK_DIR } from './run-lock.js';
export type { LockHolder, RunLock, RunLockOptions } from './run-lock.js';
// persist
export {
  connectPersisted,
  persistSeconds,
  startPersistDaemon,
  runPersistDaemon,
  PersistedConnection,
  persistDir,
  PERSIST_PROTOCOL,
} from './persist/index.js';
export type { PersistOptions, DaemonOptions, PersistDaemon, DaemonInfo } from './persist/index.js';

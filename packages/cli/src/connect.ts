import type { Connection, ResolvedHost } from '@tsplay/core';
import { LocalConnection, Slots } from '@tsplay/core/transport';
import type { SshHostSpec } from '@tsplay/ssh';

export interface ConnectHostOptions {
  /** Take the per-host run lock (real runs; `--check` takes none). */
  runLock?: { waitMs: number; playbook: string } | undefined;
  /** Seconds the SSH connection outlives the run in the per-user daemon (`--persist`); 0 connects directly. Default: TSPLAY_PERSIST, else 60. */
  persist?: number | string | undefined;
}

import { buildId, daemonCommand } from './build-id.js';
import { connectLimit } from './limit.js';

function sshSpec(h: ResolvedHost): SshHostSpec {
  return {
    name: h.name,
    address: h.address,
    ...(h.port !== undefined ? { port: h.port } : {}),
    ...(h.user ? { user: h.user } : {}),
    ...(h.privateKeyPath ? { privateKeyPath: h.privateKeyPath } : {}),
    ...(h.knownHosts ? { knownHosts: h.knownHosts } : {}),
    hostKeyChecking: h.hostKeyChecking,
    ...(h.connectTimeoutMs ? { connectTimeoutMs: h.connectTimeoutMs } : {}),
    ...(h.connectionAttempts ? { connectionAttempts: h.connectionAttempts } : {}),
    ...(h.serverAliveInterval !== undefined ? { serverAliveInterval: h.serverAliveInterval } : {}),
    ...(h.serverAliveCountMax !== undefined ? { serverAliveCountMax: h.serverAliveCountMax } : {}),
    ...(h.sshConfigFile ? { sshConfigPath: h.sshConfigFile } : {}),
    ...(h.hostKeyAlias ? { hostKeyAlias: h.hostKeyAlias } : {}),
    ...(h.becomeMethod ? { becomeMethod: h.becomeMethod } : {}),
    ...(h.becomePassword !== undefined ? { becomePassword: h.becomePassword } : {}),
    ...(h.becomeExe ? { becomeExe: h.becomeExe } : {}),
  };
}

const told = new Set<string>();
/** Persistence was skipped (an unsafe socket directory, a daemon that would not start): say why, once per reason. */
export function sayPersistSkipped(why: string): void {
  if (told.has(why)) return;
  told.add(why);
  process.stderr.write(`tsplay: persistent connections skipped, connecting directly: ${why}\n`);
}

/** Bounded handshakes: every host's connection starts at once, but at most `connectLimit()` dial together (the run lock is taken outside the bound). */
let handshake = new Slots(connectLimit());

/** A new run in a resident process: its own notices and its own TSPLAY_CONNECT_LIMIT (read from its env). */
export function resetRunState(): void {
  told.clear();
  handshake = new Slots(connectLimit());
}

/**
 * The transport for a host: local, or SSH (loaded only when an SSH host is in the run), through the
 * connection daemon unless persistence is off. With `runLock` an SSH host is locked for the run
 * (`RUN_LOCKED` naming the holder when another run has it); the lock goes with the connection (with a
 * persisted one: when this process closes it or dies). Local hosts (the workstation itself) take no lock.
 */
export async function connectHost(h: ResolvedHost, opts: ConnectHostOptions = {}): Promise<Connection> {
  if (h.connection === 'local') return new LocalConnection(h.name);
  const { acquireRunLock, connectPersisted, persistSeconds } = await import('@tsplay/ssh/persist');
  const conn = await handshake.use(() =>
    connectPersisted(
      sshSpec(h),
      {},
      { seconds: persistSeconds(opts.persist), daemonCommand: daemonCommand(), build: buildId(), onFallback: sayPersistSkipped },
    ),
  );
  if (!opts.runLock) return conn;
  try {
    await acquireRunLock(conn, opts.runLock);
  } catch (e) {
    await conn.close().catch(() => undefined);
    throw e;
  }
  return conn;
}

import { LocalConnection, type Connection, type ResolvedHost } from '@tsplay/core';

export interface ConnectHostOptions {
  /** Take the per-host run lock (real runs; `--check` takes none). */
  runLock?: { waitMs: number; playbook: string } | undefined;
}

/**
 * The transport for a host: local, or SSH (loaded only when an SSH host is in the run). With `runLock`
 * an SSH host is locked for the run (`RUN_LOCKED` naming the holder when another run has it); the lock
 * goes with the connection. Local hosts (the workstation itself) take no lock.
 */
export async function connectHost(h: ResolvedHost, opts: ConnectHostOptions = {}): Promise<Connection> {
  if (h.connection === 'local') return new LocalConnection(h.name);
  const { acquireRunLock, connectSsh } = await import('@tsplay/ssh');
  const conn = await connectSsh({
    name: h.name,
    address: h.address,
    ...(h.port !== undefined ? { port: h.port } : {}),
    ...(h.user ? { user: h.user } : {}),
    ...(h.privateKeyPath ? { privateKeyPath: h.privateKeyPath } : {}),
    ...(h.knownHosts ? { knownHosts: h.knownHosts } : {}),
    hostKeyChecking: h.hostKeyChecking,
    ...(h.connectTimeoutMs ? { connectTimeoutMs: h.connectTimeoutMs } : {}),
    ...(h.serverAliveInterval !== undefined ? { serverAliveInterval: h.serverAliveInterval } : {}),
    ...(h.serverAliveCountMax !== undefined ? { serverAliveCountMax: h.serverAliveCountMax } : {}),
    ...(h.sshConfigFile ? { sshConfigPath: h.sshConfigFile } : {}),
    ...(h.hostKeyAlias ? { hostKeyAlias: h.hostKeyAlias } : {}),
  });
  if (!opts.runLock) return conn;
  try {
    await acquireRunLock(conn, opts.runLock);
  } catch (e) {
    await conn.close().catch(() => undefined);
    throw e;
  }
  return conn;
}

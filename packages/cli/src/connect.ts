import { LocalConnection, type Connection, type ResolvedHost } from '@tsplay/core';

export interface ConnectHostOptions {
  /** Take the per-host run lock (real runs; `--check` takes none). */
  runLock?: { waitMs: number; playbook: string } | undefined;
}

/** The transport for a host: local, or SSH (loaded only when an SSH host is in the run). */
export async function connectHost(h: ResolvedHost, _opts: ConnectHostOptions = {}): Promise<Connection> {
  if (h.connection === 'local') return new LocalConnection(h.name);
  const { connectSsh } = await import('@tsplay/ssh');
  return connectSsh({
    name: h.name,
    address: h.address,
    ...(h.port !== undefined ? { port: h.port } : {}),
    ...(h.user ? { user: h.user } : {}),
    ...(h.privateKeyPath ? { privateKeyPath: h.privateKeyPath } : {}),
    ...(h.knownHosts ? { knownHosts: h.knownHosts } : {}),
    hostKeyChecking: h.hostKeyChecking,
    ...(h.connectTimeoutMs ? { connectTimeoutMs: h.connectTimeoutMs } : {}),
  });
}

/** One SSH connection to a lab host of the loaded inventory, as the runner would open it (strict host keys). */
import type { Connection, ResolvedHost } from '@tsplay/core';
import { connectSsh, type SshHostSpec } from '@tsplay/ssh';

export function connectHost(h: ResolvedHost, extra: Partial<SshHostSpec> = {}): Promise<Connection> {
  return connectSsh({
    name: h.name,
    address: h.address,
    port: h.port,
    user: h.user,
    privateKeyPath: h.privateKeyPath,
    knownHosts: h.knownHosts,
    hostKeyChecking: h.hostKeyChecking,
    ...extra,
  });
}

import type { Connection } from '@tsplay/core';
import { dialChain } from './dial.js';
import { resolveTarget } from './resolve.js';
import { SshConnection } from './connection.js';
import type { ConnectOptions, SshHostSpec } from './spec.js';

/** Resolve the spec against `~/.ssh/config`, check the host key, authenticate: one connection for the run. */
export async function connectSsh(spec: SshHostSpec, opts: ConnectOptions = {}): Promise<SshConnection> {
  const target = resolveTarget(spec, opts);
  const [client, ...jumps] = await dialChain(target);
  if (!client) throw new Error('unreachable: dialChain returned no client');
  return new SshConnection(client, target, jumps);
}

/** The transport the runner picks for `connection: ssh`. */
export interface Transport<S> {
  readonly kind: string;
  connect(spec: S, opts?: ConnectOptions): Promise<Connection>;
}

export const sshTransport: Transport<SshHostSpec> & { connect(spec: SshHostSpec, opts?: ConnectOptions): Promise<SshConnection> } = {
  kind: 'ssh',
  connect: connectSsh,
};

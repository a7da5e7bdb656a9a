import ssh2, { type Client, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import type { Duplex } from 'node:stream';
import { TsplayError } from '@tsplay/core';
import type { SshTarget } from './spec.js';
import { authError, planAuth, type AuthPlan } from './auth.js';
import { hostKeyCheck } from './host-key.js';

/**
 * ssh2 gives up at the (count+1)-th unanswered keepalive, i.e. (count+1) × interval after the last packet;
 * OpenSSH's ServerAliveInterval × ServerAliveCountMax is the promise: ping every I·N/(N+1) so ssh2 gives
 * up at I × N.
 */
export function keepaliveConfig(t: Pick<SshTarget, 'keepaliveIntervalMs' | 'keepaliveCountMax'>): {
  keepaliveInterval: number;
  keepaliveCountMax: number;
} {
  if (t.keepaliveIntervalMs <= 0) return { keepaliveInterval: 0, keepaliveCountMax: t.keepaliveCountMax };
  const n = Math.max(1, t.keepaliveCountMax);
  return { keepaliveInterval: Math.max(1, Math.floor((t.keepaliveIntervalMs * n) / (n + 1))), keepaliveCountMax: n };
}

const NET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is sshd running on that port?)',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'TCP connect timed out',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary)',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed by peer',
};

function unreachable(t: SshTarget, reason: string, cause?: unknown): TsplayError {
  return new TsplayError('UNREACHABLE', `cannot connect to ${t.user}@${t.host}:${t.port}: ${reason}`, {
    host: t.name,
    hint: 'check that the host is up, the address and port are right, and nothing blocks TCP port ' + t.port,
    cause,
  });
}

/** Map what ssh2 reported before `ready` to one coded error. */
function mapConnectError(t: SshTarget, plan: AuthPlan, err: Error & { level?: string; code?: string }): TsplayError {
  if (err.level === 'client-authentication') return authError(t, plan, err);
  if (err.level === 'client-timeout') return unreachable(t, `timed out after ${t.connectTimeoutMs} ms waiting for the SSH handshake`, err);
  const reason = err.code ? NET_REASONS[err.code] : undefined;
  if (reason) return unreachable(t, `${err.code}: ${reason}`, err);
  return unreachable(t, err.message, err);
}

/** Connect and authenticate one client (through `sock` when it is a ProxyJump hop). */
export async function dial(t: SshTarget, sock?: Duplex): Promise<Client> {
  const plan = await planAuth(t);
  const check = await hostKeyCheck(t);
  const client = new ssh2.Client();
  const config: ConnectConfig = {
    host: t.host,
    port: t.port,
    username: t.user,
    readyTimeout: t.connectTimeoutMs,
    ...keepaliveConfig(t),
    authHandler: plan.methods,
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => check.verifier(key, verify),
    algorithms: { serverHostKey: check.serverHostKey as ServerHostKeyAlgorithm[] },
    ...(sock ? { sock: sock as unknown as NonNullable<ConnectConfig['sock']> } : {}),
  };
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (e: TsplayError): void => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.on('error', () => undefined);
      client.end();
      reject(e);
    };
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('error');
      // Errors after this point surface as a lost connection (SshConnection); never as an unhandled 'error'.
      client.on('error', () => undefined);
      // Small request/reply packets: without TCP_NODELAY, Nagle + delayed ACKs add tens of ms per command.
      client.setNoDelay(true);
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => fail(check.refusal() ?? mapConnectError(t, plan, err)));
    client.once('close', () => fail(check.refusal() ?? unreachable(t, 'connection closed during the SSH handshake')));
    try {
      client.connect(config);
    } catch (e) {
      fail(unreachable(t, (e as Error).message, e));
    }
  });
}

/** A TCP stream to `host:port` opened by the jump host's sshd (ProxyJump / `ssh -W`). */
export function forward(via: Client, next: SshTarget): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(unreachable(next, `timed out after ${next.connectTimeoutMs} ms opening the jump channel`)),
      next.connectTimeoutMs,
    );
    via.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) => {
      clearTimeout(timer);
      if (err) reject(unreachable(next, `via jump host: ${err.message}`, err));
      else resolve(stream);
    });
  });
}

/** Dial the jump hops in order, then the target through the last one. Returns [target, ...hops]. */
export async function dialChain(t: SshTarget): Promise<Client[]> {
  const chain = [...t.jumps, t];
  const clients: Client[] = [];
  try {
    let sock: Duplex | undefined;
    for (const [i, hop] of chain.entries()) {
      const c = await dial(hop, sock);
      clients.push(c);
      const next = chain[i + 1];
      if (next) sock = await forward(c, next);
    }
  } catch (e) {
    for (const c of clients) c.end();
    throw e;
  }
  const target = clients.pop() as Client;
  return [target, ...clients];
}

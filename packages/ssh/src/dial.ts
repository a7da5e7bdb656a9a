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

function unreachable(t: SshTarget, reason: string, cause?: unknown, hint?: string): TsplayError {
  return new TsplayError('UNREACHABLE', `cannot connect to ${t.user}@${t.host}:${t.port}: ${reason}`, {
    host: t.name,
    hint: hint ?? 'check that the host is up, the address and port are right, and nothing blocks TCP port ' + t.port,
    cause,
  });
}

const SLOW_HINT =
  'a busy host may answer late: raise connectTimeoutMs, or connectionAttempts to try again (ssh config ConnectTimeout, ConnectionAttempts)';

/**
 * Failures worth another try (`connectionAttempts`): the host may be slow or restarting. Never an
 * authentication failure, a host-key refusal or a name that does not resolve.
 */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
/** ProxyJump channel open failures: CONNECT_FAILED (2), RESOURCE_SHORTAGE (4). */
const TRANSIENT_OPEN_REASONS = new Set<unknown>([2, 4]);
const transientErrors = new WeakSet<TsplayError>();
const transient = (e: TsplayError): TsplayError => (transientErrors.add(e), e);

/** Map what ssh2 reported before `ready` to one coded error. */
function mapConnectError(t: SshTarget, plan: AuthPlan, err: Error & { level?: string; code?: string }): TsplayError {
  if (err.level === 'client-authentication') return authError(t, plan, err);
  if (err.level === 'client-timeout')
    return transient(unreachable(t, `timed out after ${t.connectTimeoutMs} ms waiting for the SSH handshake`, err, SLOW_HINT));
  const reason = err.code ? NET_REASONS[err.code] : undefined;
  if (!reason) return unreachable(t, err.message, err);
  const e = unreachable(t, `${err.code}: ${reason}`, err);
  return TRANSIENT_CODES.has(err.code ?? '') ? transient(e) : e;
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
    client.once('close', () => fail(check.refusal() ?? transient(unreachable(t, 'connection closed during the SSH handshake'))));
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
      () => reject(transient(unreachable(next, `timed out after ${next.connectTimeoutMs} ms opening the jump channel`))),
      next.connectTimeoutMs,
    );
    via.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) => {
      clearTimeout(timer);
      if (!err) return resolve(stream);
      const e = unreachable(next, `via jump host: ${err.message}`, err);
      reject(TRANSIENT_OPEN_REASONS.has((err as Error & { reason?: unknown }).reason) ? transient(e) : e);
    });
  });
}

/** Dial the jump hops in order, then the target through the last one. Returns [target, ...hops]. */
async function dialChainOnce(t: SshTarget): Promise<Client[]> {
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

/** The wait before try `attempt + 1`: attempt × 1 s plus up to 500 ms of jitter (hosts retried together spread out). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return attempt * 1000 + Math.floor(random() * 500);
}

/** The last transient failure, saying how many tries were made. */
function afterAttempts(e: TsplayError, attempts: number): TsplayError {
  return new TsplayError(e.code, `${e.message} (${attempts} attempts)`, {
    host: e.host,
    hint: e.hint,
    cause: e,
  });
}

/**
 * `dialChainOnce`, tried again (the whole chain) up to `t.connectionAttempts` times in all when it fails
 * transiently (a handshake timeout, refused, reset, closed during the handshake): each try gets the full
 * connectTimeoutMs, and waits `retryDelayMs` before it. Any other failure is thrown at once.
 */
export async function dialChain(t: SshTarget): Promise<Client[]> {
  const attempts = Math.max(1, Math.floor(t.connectionAttempts || 1));
  for (let attempt = 1; ; attempt++) {
    try {
      return await dialChainOnce(t);
    } catch (e) {
      if (!(e instanceof TsplayError) || !transientErrors.has(e)) throw e;
      if (attempt >= attempts) throw attempts > 1 ? afterAttempts(e, attempts) : e;
    }
    await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
  }
}

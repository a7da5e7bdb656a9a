import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setLocalPool } from './in-process.js';
import { Pool } from './pool.js';
import { ResidentHost, type ResidentOptions } from './resident-server.js';
import { Session } from './session.js';
import { PERSIST_PROTOCOL, checkOwned, ensureDir, infoPath, persistDir, readInfo, writeInfo } from './paths.js';

export interface DaemonOptions {
  /** Directory of the socket and daemon.json (default `persistDir()`). */
  dir?: string | undefined;
  /** Exit this long after the last connection closed and the last client left (default 2 s). */
  idleExitMs?: number | undefined;
  /** Also host whole runs (the resident runner, resident-server.ts); without it a `run` request is refused. */
  resident?: ResidentOptions | undefined;
}

export interface PersistDaemon {
  readonly dir: string;
  readonly socket: string;
  readonly pool: Pool;
  /** Resolves when the daemon has stopped (idle, or `close`). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, socket: string): Promise<void> {
  // The socket is made 0600 from the start (umask), then checked; no window where others could connect.
  const old = process.umask(0o177);
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  }).finally(() => process.umask(old));
}

/**
 * The per-user daemon that keeps SSH connections open between runs (and, with `resident`, hosts whole runs).
 * It listens on one unix socket (0600, in a 0700 directory owned by the user) and nothing else, publishes its
 * socket and a random token in daemon.json (0600), logs nothing, and exits once it holds no connection, no
 * client is attached and no hosted run keeps it (a run keeps it for the run's --persist seconds).
 */
export async function startPersistDaemon(opts: DaemonOptions = {}): Promise<PersistDaemon> {
  const dir = opts.dir ?? persistDir();
  const idleExitMs = opts.idleExitMs ?? 2000;
  ensureDir(dir);
  const token = randomBytes(32).toString('hex');
  const socket = join(dir, `d-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  const sessions = new Set<Session>();
  let idle: NodeJS.Timeout | undefined;
  let retired = false;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (markClosed = r));
  const server = createServer({ allowHalfOpen: false });
  const unpublish = () => {
    if (readInfo(dir)?.socket === socket) rmSync(infoPath(dir), { force: true });
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (idle) clearTimeout(idle);
      setLocalPool(undefined);
      pool.closeAll();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(socket, { force: true });
      unpublish();
      markClosed();
    })());
  const check = (): void => {
    if (idle) clearTimeout(idle);
    idle = undefined;
    if (pool.size > 0 || sessions.size > 0 || resident?.busy) return;
    idle = setTimeout(() => void close(), retired ? 0 : Math.max(idleExitMs, (resident?.keepUntil ?? 0) - Date.now()));
  };
  const pool = new Pool(check);
  // Retiring (a stale file, a crash, enough runs): no new client finds it; what is leased drains, then idle exit.
  const retire = () => {
    retired = true;
    unpublish();
    server.close();
    pool.drain();
    check();
  };
  const resident = opts.resident ? new ResidentHost(opts.resident, retire, check) : undefined;
  if (resident) setLocalPool(pool);
  server.on('connection', (sock) => {
    const s = new Session(sock, pool, token, resident, () => {
      sessions.delete(s);
      check();
    });
    sessions.add(s);
    check();
  });
  await listen(server, socket);
  chmodSync(socket, 0o600);
  checkOwned(socket, 'socket');
  writeInfo(dir, { protocol: PERSIST_PROTOCOL, pid: process.pid, socket, token });
  check();
  return { dir, socket, pool, closed, close };
}

/** The daemon process's main (`tsplay __persist-daemon`): runs until idle, then exits. */
export async function runPersistDaemon(opts: DaemonOptions = {}): Promise<void> {
  for (const sig of ['SIGINT', 'SIGHUP', 'SIGPIPE'] as const) process.on(sig, () => undefined);
  process.on('SIGTERM', () => process.exit(0));
  const d = await startPersistDaemon(opts);
  await d.closed;
}

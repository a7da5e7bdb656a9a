import { dirname, join } from 'node:path';
import type { Connection } from '@tsplay/core';
import { resolveTarget } from '../resolve.js';
import type { ConnectOptions, SshHostSpec } from '../spec.js';
import { PersistClient } from './client.js';
import { PersistedConnection } from './connection.js';
import { checkParents, checkPeer, ensureDir, persistDir, readInfo } from './paths.js';
import { leaseLocal, localPool } from './in-process.js';
import { persistSeconds } from './safe.js';
import { spawnDaemon, waitStarted } from './spawn-daemon.js';

export { persistSeconds };

export interface PersistOptions {
  /** Seconds a connection stays open after its last use; 0 connects directly (no daemon). */
  seconds: number;
  /** Socket directory (default `persistDir()`). */
  dir?: string | undefined;
  /**
   * The client's build (e.g. a hash of the CLI's path and mtime): each build has its own daemon in
   * `<dir>/<build>`, so a run never talks to a daemon started by another checkout or an older build.
   */
  build?: string | undefined;
  /** How to start the daemon when none answers (e.g. `[process.execPath, bin, '__persist-daemon']`); without it none is started. */
  daemonCommand?: readonly string[] | undefined;
  /** Told why a host was connected directly instead (unsafe directory, daemon would not start). */
  onFallback?: ((why: string) => void) | undefined;
}

const clients = new Map<string, Promise<PersistClient | undefined>>();

async function attach(dir: string): Promise<PersistClient | undefined> {
  const info = readInfo(dir);
  if (!info) return undefined;
  try {
    checkPeer(dir, info);
  } catch {
    return undefined; // a stale daemon.json (that daemon is gone); a new daemon replaces it
  }
  return PersistClient.connect(info).catch(() => undefined);
}

/** This process's socket to the daemon: the running one, or one started now; undefined when neither works. */
async function daemonClient(p: PersistOptions, dir: string): Promise<PersistClient | undefined> {
  checkParents(p.build ? dirname(dir) : dir);
  if (p.build) ensureDir(dirname(dir));
  ensureDir(dir);
  const c = await attach(dir);
  if (c || !p.daemonCommand) return c;
  spawnDaemon(p.daemonCommand, dir);
  return waitStarted(() => attach(dir));
}

function shared(p: PersistOptions, dir: string): Promise<PersistClient | undefined> {
  const cur = clients.get(dir);
  const fresh = () => {
    const next = daemonClient(p, dir).catch((e: Error) => {
      p.onFallback?.(e.message);
      return undefined;
    });
    clients.set(dir, next);
    return next;
  };
  if (!cur) return fresh();
  return cur.then((c) => (c && !c.closed ? c : fresh()));
}

/**
 * `connectSsh` through the per-user daemon: the daemon dials (host key checked by the same code) or reuses
 * a live connection with the same pool key, and this process gets a `Connection` that forwards every call.
 * Falls back to a direct connection when the daemon cannot be used; errors of the host itself are thrown as
 * a direct connect throws them.
 */
export async function connectPersisted(spec: SshHostSpec, opts: ConnectOptions, p: PersistOptions): Promise<Connection> {
  // ssh2 is loaded only for a direct connection: a persisted run needs the socket alone (see client-entry.ts).
  const direct = async () => (await import('../connect.js')).connectSsh(spec, opts);
  if (p.seconds <= 0) return direct();
  // A become password never goes to the daemon (it would outlive the run): this host connects directly.
  if (spec.becomePassword !== undefined) return direct();
  const target = resolveTarget(spec, opts);
  // A run hosted by the resident runner is in the daemon's own process: it leases the pool directly.
  const pool = localPool();
  if (pool) return leaseLocal(pool, target, Math.round(p.seconds * 1000));
  const base = p.dir ?? persistDir();
  const dir = p.build ? join(base, p.build) : base;
  const client = await shared(p, dir);
  if (!client) {
    p.onFallback?.('the connection daemon did not start');
    return direct();
  }
  client.leases++;
  try {
    const f = await client.request({ t: 'open', target, persistMs: Math.round(p.seconds * 1000) });
    return new PersistedConnection(client, Number(f.head.conn), target.name, f.head.reused === true);
  } catch (e) {
    if (--client.leases <= 0) client.end();
    throw e;
  }
}

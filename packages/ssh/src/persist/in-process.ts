import type { ClientChannel } from 'ssh2';
import type { Connection, ExecOptions, ExecResult, PathState } from '@tsplay/core';
import type { PutOptions, StatOptions } from '@tsplay/core/transport';
import type { Held, HoldOptions } from '../hold.js';
import type { SshTarget } from '../spec.js';
import { leasePut, type PutLease } from './lease-put.js';
import { channelOwner, closeOwned } from './owners.js';
import type { Pool, Pooled } from './pool.js';

/**
 * A run hosted by the resident runner lives in the daemon's own process: its SSH hosts lease the daemon's
 * pooled connections directly (no socket, no hand-over), with the lease rules of a socket client (session.ts):
 * temp files older than the lease are stale, its channels and holds end with it.
 */
let local: Pool | undefined;
/** The leases of the run in progress: closed when its client goes away mid-run. */
const open = new Set<LeasedConnection>();

/** Set by the daemon when it hosts runs (undefined again when it stops). */
export function setLocalPool(p: Pool | undefined): void {
  local = p;
}

export function localPool(): Pool | undefined {
  return local;
}

/** Close every lease still open (the hosted run's client went away: its commands see EOF, as with a dead socket client). */
export function closeOpenLeases(): void {
  for (const c of [...open]) void c.close();
}

export async function leaseLocal(pool: Pool, target: SshTarget, persistMs: number): Promise<Connection> {
  const { p, reused } = await pool.acquire(target, persistMs);
  return new LeasedConnection(pool, p, reused);
}

export class LeasedConnection implements Connection {
  readonly host: string;
  private readonly lease: PutLease;
  private readonly channels = new Set<ClientChannel>();
  private readonly holds = new Set<Held>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly p: Pooled,
    /** Whether the pool reused an open connection (no SSH handshake for this run). */
    readonly reused: boolean,
  ) {
    this.host = p.conn.host;
    this.lease = { p, since: Date.now() };
    open.add(this);
  }

  private owned<T>(f: () => Promise<T>): Promise<T> {
    return channelOwner.run(this.channels, f);
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.owned(() => this.p.conn.exec(command, opts));
  }

  put(path: string, data: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.owned(() => leasePut(this.lease, path, bytes, opts));
  }

  read(path: string, opts: Pick<ExecOptions, 'become' | 'becomeMethod'> = {}): Promise<Buffer> {
    return this.owned(() => this.p.conn.read(path, opts));
  }

  readChunks(path: string, onData: (chunk: Buffer) => void, opts: Pick<ExecOptions, 'become' | 'becomeMethod'> = {}): Promise<void> {
    return this.owned(() => this.p.conn.readChunks(path, onData, opts));
  }

  stat(path: string, opts: StatOptions = {}): Promise<PathState> {
    return this.owned(() => this.p.conn.stat(path, opts));
  }

  async hold(command: string, opts: HoldOptions): Promise<Held> {
    const h = await this.p.conn.hold(command, opts);
    if (!h.exit) {
      this.holds.add(h);
      void h.ended.then(() => this.holds.delete(h));
    }
    return h;
  }

  /** Give the lease back: its channels and holds end; the pool keeps the SSH connection for the next run. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      open.delete(this);
      closeOwned(this.channels);
      await Promise.all([...this.holds].map((h) => h.release()));
      this.pool.release(this.p);
    })();
    return this.closing;
  }
}

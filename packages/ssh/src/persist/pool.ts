import type { Client } from 'ssh2';
import { dialChain } from '../dial.js';
import { SshConnection } from '../connection.js';
import type { SshTarget } from '../spec.js';
import { poolKey } from './key.js';
import { probeAlive } from './probe.js';
import { trackChannels } from './owners.js';

/** One authenticated connection kept by the daemon, shared by the clients that lease it. */
export interface Pooled {
  readonly id: number;
  readonly key: string;
  readonly conn: SshConnection;
  readonly client: Client;
  leases: number;
  /** How long it stays open after its last lease ends (the longest any client asked for). */
  persistMs: number;
  dead: boolean;
  idle?: NodeJS.Timeout | undefined;
}

/** How long a reused connection may take to answer the liveness probe before it is re-dialled. */
const probeMs = (t: SshTarget): number => Math.max(1000, Math.min(3000, t.connectTimeoutMs));

/** The daemon's connections by pool key: reused while alive, re-dialled when dead, closed N s after their last lease. */
export class Pool {
  private readonly byKey = new Map<string, Pooled>();
  private readonly byId = new Map<number, Pooled>();
  private readonly dialing = new Map<string, Promise<Pooled>>();
  private nextId = 1;
  /** Dials made so far (tests and the daemon's own accounting). */
  dials = 0;
  /** Retiring: a connection closes as soon as its last lease ends (resident.ts: a stale daemon drains). */
  private draining = false;

  constructor(private readonly onChange: () => void = () => undefined) {}

  get size(): number {
    return this.byKey.size + this.dialing.size;
  }

  get(id: number): Pooled | undefined {
    return this.byId.get(id);
  }

  /** A live connection for `target`, leased to the caller: reused (after a probe) or dialled now, host key checked as on a direct connect. */
  async acquire(target: SshTarget, persistMs: number): Promise<{ p: Pooled; reused: boolean }> {
    const key = poolKey(target);
    const pending = this.dialing.get(key);
    if (pending) await pending.catch(() => undefined);
    const old = this.byKey.get(key);
    if (old && !old.dead) {
      this.lease(old, persistMs);
      if (await probeAlive(old.client, probeMs(target))) return { p: old, reused: true };
      old.leases--;
      this.drop(old);
    }
    const dial = this.dial(key, target, persistMs);
    this.dialing.set(key, dial);
    try {
      return { p: await dial, reused: false };
    } finally {
      this.dialing.delete(key);
      this.onChange();
    }
  }

  private async dial(key: string, target: SshTarget, persistMs: number): Promise<Pooled> {
    this.dials++;
    const [client, ...jumps] = await dialChain(target);
    if (!client) throw new Error('unreachable: dialChain returned no client');
    trackChannels(client);
    const p: Pooled = { id: this.nextId++, key, conn: new SshConnection(client, target, jumps), client, leases: 0, persistMs, dead: false };
    // Already closed: forget it without closing it again (that would turn its in-flight errors into "was closed").
    client.once('close', () => {
      for (const j of jumps) j.end();
      this.drop(p, true);
    });
    this.byKey
      .get(key)
      ?.conn.close()
      .catch(() => undefined);
    this.byKey.set(key, p);
    this.byId.set(p.id, p);
    this.lease(p, persistMs);
    return p;
  }

  private lease(p: Pooled, persistMs: number): void {
    p.leases++;
    p.persistMs = Math.max(p.persistMs, persistMs);
    if (p.idle) clearTimeout(p.idle);
    p.idle = undefined;
  }

  /** A client is done with it: it stays open `persistMs` more, then closes. */
  release(p: Pooled): void {
    p.leases = Math.max(0, p.leases - 1);
    if (p.leases > 0 || p.dead) return;
    if (this.draining) return this.drop(p);
    if (p.idle) clearTimeout(p.idle);
    p.idle = setTimeout(() => this.drop(p), p.persistMs);
  }

  /** Forget and close a connection (dead, idle or replaced); `closed`: ssh2 already closed it. */
  drop(p: Pooled, closed = false): void {
    if (p.idle) clearTimeout(p.idle);
    p.idle = undefined;
    if (!p.dead) {
      p.dead = true;
      if (!closed) void p.conn.close().catch(() => undefined);
    }
    if (this.byKey.get(p.key) === p) this.byKey.delete(p.key);
    this.byId.delete(p.id);
    this.onChange();
  }

  /** Close what no one leases now, and every other connection when its last lease ends. */
  drain(): void {
    this.draining = true;
    for (const p of [...this.byId.values()]) if (p.leases === 0) this.drop(p);
  }

  closeAll(): void {
    for (const p of [...this.byId.values()]) this.drop(p);
  }
}

import { createConnection, type Socket } from 'node:net';
import { TsplayError } from '@tsplay/core';
import { FrameReader, encodeFrame, type Frame } from './frame.js';
import { PERSIST_PROTOCOL, checkOwned, type DaemonInfo } from './paths.js';
import { fromWire, type WireError } from './wire-error.js';

export interface HoldEvents {
  data(b: Buffer): void;
  end(code: number, stderr: Buffer, lost: boolean): void;
}

type Head = Record<string, unknown>;

/** The CLI's socket to the daemon: requests by id, hold events by hold id. */
export class PersistClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(f: Frame): void; reject(e: Error): void }>();
  private readonly holds = new Map<number, HoldEvents>();
  private readonly reader = new FrameReader();
  private gone: Error | undefined;
  /** Open leases: the socket is ended when the last one closes. */
  leases = 0;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (b: Buffer) => {
      try {
        for (const f of this.reader.push(b)) this.onFrame(f);
      } catch (e) {
        sock.destroy(e as Error);
      }
    });
    sock.on('error', (e) => (this.gone ??= e));
    sock.on('close', () => this.fail(this.gone ?? new Error('the daemon closed the socket')));
  }

  /** Connect to the published daemon (its socket must be ours, 0600) and present the token. */
  static async connect(info: DaemonInfo): Promise<PersistClient> {
    checkOwned(info.socket, 'socket');
    const sock = createConnection(info.socket);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const c = new PersistClient(sock);
    await c.request({ t: 'hello', token: info.token, protocol: PERSIST_PROTOCOL });
    return c;
  }

  get closed(): boolean {
    return this.gone !== undefined || this.sock.destroyed;
  }

  private fail(e: Error): void {
    this.gone ??= e;
    const err = new TsplayError('UNREACHABLE', `the persistent-connection daemon went away (${e.message})`, {
      hint: 'run again (a new daemon starts), or run with --persist 0 to connect directly',
    });
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const h of this.holds.values()) h.end(255, Buffer.alloc(0), true);
    this.holds.clear();
  }

  private onFrame(f: Frame): void {
    const h = f.head;
    if (h.t === 'hold-data') return this.holds.get(Number(h.hold))?.data(f.body);
    if (h.t === 'hold-end') {
      const ev = this.holds.get(Number(h.hold));
      this.holds.delete(Number(h.hold));
      return ev?.end(Number(h.code), f.body, h.lost === true);
    }
    const p = this.pending.get(Number(h.id));
    if (!p) return;
    this.pending.delete(Number(h.id));
    if (h.ok === true) p.resolve(f);
    else p.reject(fromWire((h.error ?? { message: 'the daemon failed the request' }) as WireError));
  }

  request(head: Head, body?: Buffer): Promise<Frame> {
    if (this.gone)
      return Promise.reject(new TsplayError('UNREACHABLE', `the persistent-connection daemon went away (${this.gone.message})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.sock.write(encodeFrame({ ...head, id }, body));
    });
  }

  /** A hold id whose stdout and end events go to `ev`. */
  watchHold(ev: HoldEvents): number {
    const id = this.nextId++;
    this.holds.set(id, ev);
    return id;
  }

  unwatchHold(id: number): void {
    this.holds.delete(id);
  }

  end(): void {
    this.gone ??= new Error('closed by the client');
    this.sock.end();
  }

  /** Simulate this process dying (tests): the socket goes without any close request. */
  destroy(): void {
    this.sock.destroy();
  }
}

import type { Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import { timingSafeEqual } from 'node:crypto';
import { TsplayError, type ExecOptions } from '@tsplay/core';
import { wrapCommand, type PutOptions } from '@tsplay/core/transport';
import type { SshTarget } from '../spec.js';
import { FrameReader, encodeFrame, type Frame } from './frame.js';
import { streamHold, type HoldStream } from './hold-stream.js';
import { leasePut, type PutLease } from './lease-put.js';
import { PERSIST_PROTOCOL } from './paths.js';
import type { Pool } from './pool.js';
import { toWire } from './wire-error.js';
import { channelOwner, closeOwned } from './owners.js';
import type { HostedRun, ResidentHost } from './resident-server.js';

/** One client's use of a pooled connection: its holds end when the lease (or the client) does. */
interface Lease extends PutLease {
  holds: Map<number, HoldStream>;
  /** Its exec channels in flight: closed if the client dies mid-command. */
  channels: Set<ClientChannel>;
}

type Head = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The daemon's side of one client socket: hello with the token first, then requests by id. */
export class Session {
  private authed = false;
  private readonly leases = new Map<number, Lease>();
  private nextLease = 1;
  private readonly reader = new FrameReader();
  /** The run this client handed to the resident runner, while it runs. */
  private hosted: HostedRun | undefined;

  constructor(
    private readonly sock: Socket,
    private readonly pool: Pool,
    private readonly token: string,
    private readonly resident: ResidentHost | undefined,
    onClose: () => void,
  ) {
    sock.on('data', (b: Buffer) => {
      let frames: Frame[];
      try {
        frames = this.reader.push(b);
      } catch {
        return void sock.destroy();
      }
      for (const f of frames) this.onFrame(f);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      this.hosted?.lost();
      this.hosted = undefined;
      this.endAll();
      onClose();
    });
  }

  private send(head: Head, body?: Buffer): void {
    if (!this.sock.destroyed) this.sock.write(encodeFrame(head, body));
  }

  private hello(h: Head): void {
    const given = Buffer.from(str(h.token), 'utf8');
    const want = Buffer.from(this.token, 'utf8');
    if (h.protocol !== PERSIST_PROTOCOL || given.length !== want.length || !timingSafeEqual(given, want)) {
      this.send({
        t: 'res',
        id: h.id,
        ok: false,
        error: { code: 'PERSIST_REFUSED', message: 'the daemon refused the client: wrong token or protocol' },
      });
      this.sock.end();
      return;
    }
    this.authed = true;
    this.send({ t: 'res', id: h.id, ok: true, pid: process.pid });
  }

  private onFrame(f: Frame): void {
    const h = f.head;
    if (!this.authed) return h.t === 'hello' ? this.hello(h) : void this.sock.destroy();
    if (h.t === 'run') return this.run(h);
    if (h.t === 'signal') return this.hosted?.signal(str(h.sig));
    const l = this.leases.get(num(h.conn));
    const work = l ? channelOwner.run(l.channels, () => this.handle(h, f.body)) : this.handle(h, f.body);
    work.then(
      (r) => this.send({ t: 'res', id: h.id, ok: true, ...r.head }, r.body),
      (e: unknown) => this.send({ t: 'res', id: h.id, ok: false, error: toWire(e) }),
    );
  }

  /** A whole run for the resident runner (resident-wire.ts); refused with a reason when this daemon hosts none. */
  private run(h: Head): void {
    if (!this.resident)
      return this.send({ t: 'res', id: h.id, ok: false, fallback: 'this daemon was started without the resident runner' });
    if (this.hosted) return this.send({ t: 'res', id: h.id, ok: false, fallback: 'a run is already in progress on this connection' });
    const run = this.resident.start(h, (head, body) => {
      if (head.t === 'exit') this.hosted = undefined;
      this.send(head, body);
    });
    this.hosted = run;
  }

  private lease(h: Head): Lease {
    const l = this.leases.get(num(h.conn));
    if (!l) throw new TsplayError('INTERNAL', `no open connection ${String(h.conn)} on this client`);
    return l;
  }

  private async handle(h: Head, body: Buffer): Promise<{ head?: Head; body?: Buffer }> {
    switch (h.t) {
      case 'open':
        return this.open(h);
      case 'exec':
        return this.exec(h, body);
      case 'put':
        return this.put(h, body);
      case 'read':
        return {
          body: await this.lease(h).p.conn.read(str(h.path), {
            become: h.become as ExecOptions['become'],
            becomeMethod: h.becomeMethod as ExecOptions['becomeMethod'],
          }),
        };
      case 'stat':
        return {
          head: {
            state: await this.lease(h).p.conn.stat(str(h.path), {
              become: h.become as ExecOptions['become'],
              becomeMethod: h.becomeMethod as ExecOptions['becomeMethod'],
              hash: h.hash === true,
            }),
          },
        };
      case 'hold':
        return this.hold(h);
      case 'unhold':
        await this.lease(h).holds.get(num(h.hold))?.release();
        return {};
      case 'close':
        return this.close(num(h.conn));
      default:
        throw new TsplayError('INTERNAL', `unknown request ${JSON.stringify(h.t)}`);
    }
  }

  private async open(h: Head): Promise<{ head: Head }> {
    const { p, reused } = await this.pool.acquire(h.target as SshTarget, Math.max(0, num(h.persistMs)));
    if (this.sock.destroyed) {
      this.pool.release(p);
      return { head: {} };
    }
    const id = this.nextLease++;
    this.leases.set(id, { p, since: Date.now(), holds: new Map(), channels: new Set() });
    return { head: { conn: id, reused } };
  }

  private async exec(h: Head, body: Buffer): Promise<{ head: Head; body: Buffer }> {
    const opts = (h.opts ?? {}) as ExecOptions;
    const stdin = h.stdin === 'string' ? body.toString('utf8') : h.stdin === 'buffer' ? body : undefined;
    const r = await this.lease(h).p.conn.execRaw(str(h.command), { ...opts, stdin });
    return { head: { code: r.code, timedOut: r.timedOut === true, outLen: r.stdout.length }, body: Buffer.concat([r.stdout, r.stderr]) };
  }

  /** SshConnection.put, with the lease's own start (on the host's clock) as the run's. */
  private async put(h: Head, body: Buffer): Promise<{ head: Head }> {
    await leasePut(this.lease(h), str(h.path), body, (h.opts ?? {}) as PutOptions);
    return { head: {} };
  }

  private async hold(h: Head): Promise<{ head: Head }> {
    const l = this.lease(h);
    const hid = num(h.hold);
    const o = (h.opts ?? {}) as Pick<ExecOptions, 'become' | 'becomeMethod' | 'env'>;
    const t = l.p.conn.target;
    const full = wrapCommand(str(h.command), { become: o.become, env: o.env }, t.user === 'root', {
      method: o.becomeMethod ?? t.becomeMethod,
      exe: t.becomeExe,
    });
    if (l.p.dead)
      throw new TsplayError('UNREACHABLE', `${l.p.conn.target.user}@${l.p.conn.target.host}: lost the connection`, { host: l.p.conn.host });
    const s = await streamHold(l.p.client, full, {
      stdout: (b) => this.send({ t: 'hold-data', hold: hid }, b),
      ended: (code, stderr) => {
        l.holds.delete(hid);
        this.send({ t: 'hold-end', hold: hid, code, lost: l.p.dead }, stderr);
      },
    });
    l.holds.set(hid, s);
    return { head: {} };
  }

  /** The client closed its connection: its holds (run locks) end now; the SSH connection stays for the next run. */
  private async close(id: number): Promise<{ head: Head }> {
    const l = this.leases.get(id);
    if (!l) return { head: {} };
    this.leases.delete(id);
    closeOwned(l.channels);
    await Promise.all([...l.holds.values()].map((s) => s.release()));
    this.pool.release(l.p);
    return { head: {} };
  }

  /** The client went (ended, crashed, killed): release everything it held. */
  private endAll(): void {
    for (const id of [...this.leases.keys()]) void this.close(id);
  }
}

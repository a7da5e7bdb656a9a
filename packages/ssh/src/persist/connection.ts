import { TsplayError, type Connection, type ExecOptions, type ExecResult, type PathState } from '@tsplay/core';
import { checkBecome, type PutOptions, type StatOptions } from '@tsplay/core/transport';
import { HoldTracker, type Held, type HoldOptions } from '../hold.js';
import type { PersistClient } from './client.js';

/** The CLI-side `Connection` of a host whose SSH connection lives in the daemon: every call is one request over the socket. */
export class PersistedConnection implements Connection {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: PersistClient,
    private readonly lease: number,
    readonly host: string,
    /** Whether the daemon reused an open connection (no SSH handshake for this run). */
    readonly reused: boolean,
  ) {}

  private call(head: Record<string, unknown>, body?: Buffer) {
    if (this.closing) return Promise.reject(new TsplayError('UNREACHABLE', `${this.host}: the connection was closed`, { host: this.host }));
    return this.client.request({ ...head, conn: this.lease }, body);
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const { stdin, ...rest } = opts;
    const kind = stdin === undefined ? undefined : typeof stdin === 'string' ? 'string' : 'buffer';
    const body = stdin === undefined ? undefined : typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
    const f = await this.call({ t: 'exec', command, opts: rest, stdin: kind }, body);
    const outLen = Number(f.head.outLen);
    const r: ExecResult = {
      code: Number(f.head.code),
      stdout: f.body.subarray(0, outLen).toString('utf8'),
      stderr: f.body.subarray(outLen).toString('utf8'),
    };
    if (f.head.timedOut === true) r.timedOut = true;
    return r;
  }

  async put(path: string, data: string | Buffer, opts: PutOptions = {}): Promise<void> {
    await this.call({ t: 'put', path, opts }, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  async read(path: string, opts: Pick<ExecOptions, 'become' | 'becomeMethod'> = {}): Promise<Buffer> {
    return (await this.call({ t: 'read', path, become: opts.become, becomeMethod: opts.becomeMethod })).body;
  }

  async stat(path: string, opts: StatOptions = {}): Promise<PathState> {
    return (await this.call({ t: 'stat', path, become: opts.become, becomeMethod: opts.becomeMethod, hash: opts.hash === true })).head
      .state as PathState;
  }

  /** Like SshConnection.hold: the daemon runs the command and streams its stdout; `ready` is decided here. */
  hold(command: string, opts: HoldOptions): Promise<Held> {
    return new Promise((resolve, reject) => {
      const stop = () => this.client.request({ t: 'unhold', conn: this.lease, hold: id }).catch(() => undefined);
      const t = new HoldTracker(opts.ready, stop, resolve, reject);
      const id = this.client.watchHold({
        data: (b) => t.data(b),
        end: (code, stderr, lost) => {
          if (lost)
            return t.end(
              new TsplayError('UNREACHABLE', `${this.host}: lost the connection`, {
                host: this.host,
                hint: 'the host went away during the run (reboot, network, sshd restart); run again when it is back',
              }),
            );
          t.end({ code, stdout: t.stdout, stderr: stderr.toString('utf8') }, (exit) => {
            if (opts.become) checkBecome(exit, this.host);
          });
        },
      });
      this.call({ t: 'hold', command, opts: { become: opts.become, becomeMethod: opts.becomeMethod, env: opts.env }, hold: id }).catch(
        (e: Error) => {
          this.client.unwatchHold(id);
          t.end(e);
        },
      );
    });
  }

  /** Give the lease back (its holds end; the daemon keeps the SSH connection for the next run). */
  close(): Promise<void> {
    this.closing ??= this.client
      .request({ t: 'close', conn: this.lease })
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (--this.client.leases <= 0) this.client.end();
      });
    return this.closing;
  }
}

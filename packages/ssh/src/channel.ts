import { constants } from 'node:os';
import type { Client, ClientChannel } from 'ssh2';

export interface RawResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut?: boolean;
}

/** The channel ended without an exit status and without our timeout: the connection went away. */
export class ChannelLost extends Error {}

/** sshd refused a new session channel (MaxSessions, or the connection is going away). */
export class ChannelRefused extends Error {}

const signalCode = (name: string | undefined): number =>
  128 + ((name && constants.signals[`SIG${name}` as keyof typeof constants.signals]) || 9);

/**
 * Send a `signal` channel request. ssh2's `Channel#signal` is a no-op once stdin was ended (it checks
 * `writable`), which is always the case here, so go to the protocol object directly (ssh2 1.17 internals).
 */
function sendSignal(ch: ClientChannel, name: string): void {
  const internals = ch as unknown as {
    _client?: { _protocol?: { signal?(id: number, sig: string): void } };
    outgoing?: { id?: number; state?: string };
  };
  const proto = internals._client?._protocol;
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  if (proto?.signal && id !== undefined && (state === 'open' || state === 'eof')) proto.signal(id, name);
  else ch.signal(name);
}

/** How long to wait for sshd to confirm the close after a timeout before giving up on the channel. */
const CLOSE_GRACE_MS = 2000;

/** Run one command on a new session channel; stdout/stderr are kept as bytes (stdout goes to `onData` instead when given). */
export function runChannel(
  client: Client,
  command: string,
  stdin: string | Buffer | undefined,
  timeoutMs: number | undefined,
  onData?: (chunk: Buffer) => void,
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(new ChannelRefused(err.message, { cause: err }));
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let code: number | undefined;
      let timedOut = false;
      let grace: NodeJS.Timeout | undefined;
      const timer =
        timeoutMs !== undefined && timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              try {
                sendSignal(ch, 'KILL');
                ch.close();
              } catch {
                /* the channel may already be closing */
              }
              grace = setTimeout(finish, CLOSE_GRACE_MS);
            }, timeoutMs)
          : undefined;
      let done = false;
      let sinkError: unknown;
      function finish(): void {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        if (grace) clearTimeout(grace);
        if (sinkError !== undefined) return reject(sinkError);
        if (code === undefined && !timedOut) return reject(new ChannelLost('the channel closed without an exit status'));
        const r: RawResult = { code: code ?? signalCode('KILL'), stdout: Buffer.concat(out), stderr: Buffer.concat(errOut) };
        if (timedOut) r.timedOut = true;
        resolve(r);
      }
      ch.on('data', (b: Buffer) => {
        if (!onData) return void out.push(b);
        if (sinkError !== undefined) return;
        try {
          onData(b);
        } catch (e) {
          sinkError = e; // the caller's sink failed (a full disk): the rest is dropped, the call rejects with it
        }
      });
      ch.stderr.on('data', (b: Buffer) => errOut.push(b));
      ch.on('exit', (c: number | null, signal?: string) => {
        code = c ?? signalCode(signal);
      });
      ch.on('error', () => undefined);
      ch.on('close', finish);
      ch.end(stdin ?? undefined);
    });
  });
}

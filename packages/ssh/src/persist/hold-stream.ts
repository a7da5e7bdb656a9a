import type { Client } from 'ssh2';
import { ChannelRefused } from '../channel.js';

export interface HoldSink {
  stdout(b: Buffer): void;
  /** The command ended: its exit code (255 when the channel went without one) and stderr. */
  ended(code: number, stderr: Buffer): void;
}

export interface HoldStream {
  /** End the command's stdin (it exits on EOF) and wait until its channel has closed, at most `waitMs`. */
  release(waitMs?: number): Promise<void>;
}

/**
 * The daemon's side of `Connection.hold`: a session channel whose stdout is forwarded as it comes (the
 * client decides when it is ready, as with a direct connection) and whose stdin stays open until released.
 */
export function streamHold(client: Client, command: string, sink: HoldSink): Promise<HoldStream> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(new ChannelRefused(err.message, { cause: err }));
      const errOut: Buffer[] = [];
      let code: number | undefined;
      let closed = false;
      let markClosed: () => void = () => undefined;
      const done = new Promise<void>((r) => (markClosed = r));
      ch.on('data', (b: Buffer) => sink.stdout(b));
      ch.stderr.on('data', (b: Buffer) => errOut.push(b));
      ch.on('exit', (c: number | null) => {
        code = c ?? 255;
      });
      ch.on('error', () => undefined);
      ch.on('close', () => {
        closed = true;
        markClosed();
        sink.ended(code ?? 255, Buffer.concat(errOut));
      });
      resolve({
        release: async (waitMs = 5000) => {
          if (closed) return;
          try {
            ch.end();
          } catch {
            /* already closing */
          }
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
          if (timer) clearTimeout(timer);
        },
      });
    });
  });
}

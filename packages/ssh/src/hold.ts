import type { Client } from 'ssh2';
import type { Connection, ExecResult } from '@tsplay/core';
import { ChannelRefused } from './channel.js';

type HoldFn = NonNullable<Connection['hold']>;
/** core's `HoldOptions` / `Held` (named here through `Connection` so that no new core export is needed). */
export type HoldOptions = Parameters<HoldFn>[1];
export type Held = Awaited<ReturnType<HoldFn>>;

/**
 * Run `command` on a session channel whose stdin stays open. Resolves once `ready(stdout)` is true
 * (the command keeps running until `release` ends its stdin, or the connection goes) or when the
 * command exits first (then `exit` is set).
 */
export function holdChannel(client: Client, command: string, ready: (stdout: string) => boolean): Promise<Held> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(new ChannelRefused(err.message, { cause: err }));
      let stdout = '';
      let stderr = '';
      let code: number | undefined;
      let settled = false;
      let markEnded: () => void = () => undefined;
      const ended = new Promise<void>((r) => (markEnded = r));
      const held = (exit?: ExecResult): Held => ({
        stdout,
        exit,
        ended,
        release: async () => {
          try {
            ch.end();
          } catch {
            /* already closed */
          }
          await ended;
        },
      });
      ch.on('data', (b: Buffer) => {
        stdout += b.toString('utf8');
        if (!settled && ready(stdout)) {
          settled = true;
          resolve(held());
        }
      });
      ch.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      ch.on('exit', (c: number | null) => {
        code = c ?? 255;
      });
      ch.on('error', () => undefined);
      ch.on('close', () => {
        markEnded();
        if (settled) return;
        settled = true;
        resolve(held({ code: code ?? 255, stdout, stderr }));
      });
    });
  });
}

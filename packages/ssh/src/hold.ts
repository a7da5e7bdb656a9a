import type { Client } from 'ssh2';
import type { Connection, ExecResult } from '@tsplay/core';
import { ChannelRefused } from './channel.js';

type HoldFn = NonNullable<Connection['hold']>;
/** core's `HoldOptions` / `Held` (named here through `Connection` so that no new core export is needed). */
export type HoldOptions = Parameters<HoldFn>[1];
export type Held = Awaited<ReturnType<HoldFn>>;

/**
 * The one place the ssh side builds a `Held` (direct channel and persisted connection alike): gathers
 * stdout, resolves once `ready(stdout)` holds (the command keeps running), or with `exit` when the command
 * ends first; `release` calls `stop` and waits for the end.
 */
export class HoldTracker {
  stdout = '';
  private settled = false;
  private markEnded: () => void = () => undefined;
  readonly ended = new Promise<void>((r) => (this.markEnded = r));

  constructor(
    private readonly ready: (stdout: string) => boolean,
    private readonly stop: () => unknown,
    private readonly resolve: (h: Held) => void,
    private readonly reject: (e: unknown) => void,
  ) {}

  data(b: Buffer): void {
    this.stdout += b.toString('utf8');
    if (!this.settled && this.ready(this.stdout)) this.settle(() => this.resolve(this.held()));
  }

  /** The command ended: with its exit (checked by `check`, which may throw), or with an error. */
  end(outcome: ExecResult | Error, check: (exit: ExecResult) => void = () => undefined): void {
    this.markEnded();
    this.settle(() => {
      if (outcome instanceof Error) return this.reject(outcome);
      try {
        check(outcome);
        this.resolve(this.held(outcome));
      } catch (e) {
        this.reject(e);
      }
    });
  }

  private settle(f: () => void): void {
    if (this.settled) return;
    this.settled = true;
    f();
  }

  private held(exit?: ExecResult): Held {
    return {
      stdout: this.stdout,
      exit,
      ended: this.ended,
      release: async () => {
        await this.stop();
        await this.ended;
      },
    };
  }
}

/**
 * Run `command` on a session channel whose stdin stays open. Resolves once `ready(stdout)` is true
 * (the command keeps running until `release` ends its stdin, or the connection goes) or when the
 * command exits first (then `exit` is set).
 */
export function holdChannel(client: Client, command: string, ready: (stdout: string) => boolean, first?: Buffer): Promise<Held> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(new ChannelRefused(err.message, { cause: err }));
      if (first) ch.write(first);
      let stderr = '';
      let code: number | undefined;
      const t = new HoldTracker(
        ready,
        () => {
          try {
            ch.end();
          } catch {
            /* already closed */
          }
        },
        resolve,
        reject,
      );
      ch.on('data', (b: Buffer) => t.data(b));
      ch.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      ch.on('exit', (c: number | null) => {
        code = c ?? 255;
      });
      ch.on('error', () => undefined);
      ch.on('close', () => t.end({ code: code ?? 255, stdout: t.stdout, stderr }));
    });
  });
}

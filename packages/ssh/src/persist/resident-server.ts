import { closeOpenLeases } from './in-process.js';
import { type ResidentProgram, type RunIO, parseRunRequest } from './resident-wire.js';
import { swapIn } from './run-state.js';
import type { LoadedFiles } from './stamps.js';

type Send = (head: Record<string, unknown>, body?: Buffer) => void;

export interface ResidentOptions {
  /** The program each accepted run executes (the CLI's `run`). */
  program: ResidentProgram;
  /** Every file the daemon has loaded: a run is served only while none changed (stamps.ts). */
  files: LoadedFiles;
  /** Runs served before the daemon retires (each run imports its playbook afresh, and Node never unloads a module). */
  maxRuns?: number | undefined;
}

/** The run in progress, as its session sees it. */
export interface HostedRun {
  signal(sig: string): void;
  lost(): void;
}

/**
 * The resident runner inside the persist daemon: one run at a time, each in its client's env, cwd, umask and
 * streams (run-state.ts), refused (the client then runs it itself) when busy, retiring or stale.
 */
export class ResidentHost {
  busy = false;
  runs = 0;
  /** The daemon stays up until then after a run (the run's --persist), unless something else keeps it. */
  keepUntil = 0;
  private retired = false;
  private current: { send: Send; end: (code: number) => void } | undefined;

  constructor(
    private readonly opts: ResidentOptions,
    /** Unpublish and stop the daemon (a stale file, a crash, enough runs). */
    private readonly retire: () => void,
    /** Tell the daemon its idle state may have changed. */
    private readonly changed: () => void,
  ) {
    const crash = (e: unknown) => this.crash(e);
    process.on('unhandledRejection', crash);
    process.on('uncaughtException', crash);
  }

  /** Why this run cannot be hosted now (undefined: it can). */
  private refusal(): string | undefined {
    if (this.retired) return 'the resident runner is retiring';
    if (this.busy) return 'the resident runner is busy with another run';
    const stale = this.opts.files.changed();
    if (stale === undefined) return undefined;
    this.stop();
    return `a file the resident runner loaded changed (${stale}); it exits`;
  }

  /** A session's `run` frame: answered at once (accepted, or a fall-back reason), then the run's frames. */
  start(head: Record<string, unknown>, sessionSend: Send): HostedRun | undefined {
    const req = parseRunRequest(head);
    const why = req ? this.refusal() : 'a malformed run request';
    const answer = (extra: Record<string, unknown>) => sessionSend({ t: 'res', id: head.id, ...extra });
    if (!req || why) return void answer({ ok: false, fallback: why });
    let live = true;
    const send: Send = (h, b) => live && sessionSend(h, b);
    let restore: () => void;
    try {
      restore = swapIn(req, (fd, b) => send({ t: 'out', fd }, b));
    } catch (e) {
      return void answer({ ok: false, fallback: `cannot take the run's state (${(e as Error).message})` });
    }
    this.busy = true;
    answer({ ok: true });
    const signals: ((sig: string) => void)[] = [];
    const losses: (() => void)[] = [];
    const io: RunIO = { onSignal: (f) => signals.push(f), onLost: (f) => losses.push(f) };
    let ended = false;
    const end = (code: number) => {
      if (ended) return;
      ended = true;
      restore();
      send({ t: 'exit', code });
      this.current = undefined;
      this.busy = false;
      this.keepUntil = Date.now() + Math.max(0, req.persistMs);
      if (++this.runs >= (this.opts.maxRuns ?? 200)) this.stop();
      this.changed();
    };
    this.current = { send, end };
    this.opts.program(req.argv, io).then(end, (e: unknown) => {
      send({ t: 'out', fd: 2 }, Buffer.from(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
      end(1);
    });
    return {
      signal: (sig) => {
        for (const f of signals) f(sig);
      },
      lost: () => {
        live = false;
        for (const f of losses) f();
        closeOpenLeases();
      },
    };
  }

  /** An uncaught error: the run in progress fails as a process of its own would (stack on stderr, exit 1); the daemon retires. */
  private crash(e: unknown): void {
    const run = this.current;
    if (!run) process.exit(1);
    run.send({ t: 'out', fd: 2 }, Buffer.from(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`));
    run.end(1);
    this.stop();
  }

  private stop(): void {
    if (this.retired) return;
    this.retired = true;
    this.retire();
  }
}

import type { Client } from 'ssh2';
import { TsplayError, reveal, quote, type Connection, type ExecOptions, type ExecResult, type PathState } from '@tsplay/core';
import { parsePathProbe } from '@tsplay/core/module';
import {
  becomeStdin,
  checkBecome,
  usesBecome,
  pathScript,
  Slots,
  wrapCommand,
  type BecomeSpec,
  type PutOptions,
  type StatOptions,
} from '@tsplay/core/transport';
import { ChannelLost, ChannelRefused, runChannel, type RawResult } from './channel.js';
import { withRemoteTimeout } from './remote-timeout.js';
import { scriptOnStdin } from './script-stdin.js';
import { hostRunStart, putError, putScript } from './put-script.js';
import { holdChannel, type Held, type HoldOptions } from './hold.js';
import type { SshTarget } from './spec.js';

/** sshd's default MaxSessions is 10: keep two spare for the user's own sessions. */
export const MAX_CHANNELS = 8;
/** Attempts to open a channel that sshd refuses (25 ms, 50 ms, ... apart: about 2 s in all). */
const CHANNEL_RETRIES = 12;

/** ssh2 says only "Keepalive timeout": say what it means, with the figures. */
function keepaliveLost(t: SshTarget): Error {
  const s = (t.keepaliveIntervalMs * t.keepaliveCountMax) / 1000;
  return new Error(
    `no answer to ${t.keepaliveCountMax} keepalives in ${s} s (ServerAliveInterval ${t.keepaliveIntervalMs / 1000} s × ServerAliveCountMax ${t.keepaliveCountMax}): the link or the host is down`,
  );
}

/** One SSH connection per host for the whole run; up to MAX_CHANNELS commands at once. */
export class SshConnection implements Connection {
  readonly host: string;
  private readonly channels = new Slots(MAX_CHANNELS);
  private lost: Error | undefined;
  private closing = false;
  private readonly closed: Promise<void>;
  private readonly holds = new Set<Held>();
  /** When this connection was made: temp files older than this are stale leftovers of an earlier run. */
  readonly since = Date.now();
  /** `since` on the host's clock (asked once, at the first put). */
  private hostSince: Promise<number | undefined> | undefined;

  constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    private readonly jumps: readonly Client[] = [],
  ) {
    this.host = target.name;
    client.on('error', (e: Error & { level?: string }) => {
      this.lost ??= e.message === 'Keepalive timeout' ? keepaliveLost(target) : e;
    });
    this.closed = new Promise((resolve) => {
      client.once('close', () => {
        this.lost ??= new Error('connection closed');
        resolve();
      });
    });
  }

  private gone(cause?: unknown): TsplayError {
    const why = this.closing
      ? 'the connection was closed'
      : `lost the connection (${(this.lost ?? (cause as Error | undefined))?.message ?? 'closed'})`;
    return new TsplayError('UNREACHABLE', `${this.target.user}@${this.target.host}:${this.target.port}: ${why}`, {
      host: this.host,
      hint: 'the host went away during the run (reboot, network, sshd restart); run again when it is back',
      cause,
    });
  }

  /** The call's (else the target's) become method, and the target's password (revealed here, only to go into a channel's stdin). */
  private becomeSpec(method: BecomeSpec['method']): BecomeSpec {
    const t = this.target;
    return {
      method: method ?? t.becomeMethod,
      password: t.becomePassword === undefined ? undefined : reveal(t.becomePassword),
      exe: t.becomeExe,
    };
  }

  /** Run a wrapped command and keep its output as bytes (for `read` and `put`; stdout to `onData` for `readChunks`). */
  async execRaw(command: string, opts: ExecOptions = {}, onData?: (chunk: Buffer) => void): Promise<RawResult> {
    if (this.lost || this.closing) throw this.gone();
    const timeoutMs = opts.timeoutMs ?? this.target.commandTimeoutMs;
    const sent = scriptOnStdin(command, opts.stdin);
    const inner = timeoutMs !== undefined && timeoutMs > 0 ? withRemoteTimeout(sent.command, timeoutMs) : sent.command;
    const spec = this.becomeSpec(opts.becomeMethod);
    const asRoot = this.target.user === 'root';
    const full = wrapCommand(inner, opts, asRoot, spec);
    const stdin = becomeStdin(sent.stdin, spec, usesBecome(opts, asRoot));
    const r = await this.channels.use(() => this.openWithRetry(full, stdin, timeoutMs, onData));
    if (!opts.become) return r;
    const stderr = r.stderr.toString('utf8');
    const checked = checkBecome({ code: r.code, stdout: '', stderr }, this.host, spec);
    return checked.stderr === stderr ? r : { ...r, stderr: Buffer.from(checked.stderr, 'utf8') };
  }

  /**
   * sshd frees a session slot only once its process is reaped, so right after a timeout (or while
   * another client shares the connection's MaxSessions) a new channel can be refused: retry briefly.
   */
  private async openWithRetry(
    command: string,
    stdin: string | Buffer | undefined,
    timeoutMs: number | undefined,
    onData?: (chunk: Buffer) => void,
  ): Promise<RawResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runChannel(this.client, command, stdin, timeoutMs, onData);
      } catch (e) {
        if (e instanceof ChannelLost || this.lost) throw this.gone(e);
        if (!(e instanceof ChannelRefused)) throw e;
        if (attempt >= CHANNEL_RETRIES)
          throw new TsplayError('COMMAND_FAILED', `sshd refused a new session channel ${attempt} times: ${e.message}`, {
            host: this.host,
            hint: `tsplay opens at most ${MAX_CHANNELS} channels at once; check sshd's MaxSessions (default 10) on the host, or commands left running after a timeout`,
            cause: e,
          });
        await new Promise((r) => setTimeout(r, 25 * attempt));
      }
    }
  }

  /** A command that runs with its stdin open until released or the connection ends (run locks). Uses one session beside the pool. */
  async hold(command: string, opts: HoldOptions): Promise<Held> {
    if (this.lost || this.closing) throw this.gone();
    const spec = this.becomeSpec(opts.becomeMethod);
    const asRoot = this.target.user === 'root';
    const full = wrapCommand(command, { become: opts.become, env: opts.env }, asRoot, spec);
    const first = becomeStdin(undefined, spec, usesBecome(opts, asRoot));
    const h = await holdChannel(this.client, full, opts.ready, first === undefined ? undefined : Buffer.from(first)).catch((e: unknown) => {
      throw this.lost ? this.gone(e) : e;
    });
    if (h.exit && this.lost) throw this.gone();
    if (h.exit && opts.become) return { ...h, exit: checkBecome(h.exit, this.host, spec) };
    if (!h.exit) {
      this.holds.add(h);
      void h.ended.then(() => this.holds.delete(h));
    }
    return h;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.execRaw(command, opts);
    const out: ExecResult = { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    if (r.timedOut) out.timedOut = true;
    return out;
  }

  async put(path: string, data: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.hostSince ??= hostRunStart((c) => this.execRaw(c), this.since);
    const staleBefore = await this.hostSince;
    // No default command timeout for transfers (timeoutMs 0): a big upload on a slow link is not a hang.
    const r = await this.execRaw(putScript(path, bytes.length, opts, staleBefore), {
      become: opts.become,
      becomeMethod: opts.becomeMethod,
      stdin: bytes,
      timeoutMs: 0,
    });
    if (r.code !== 0) throw putError(r, path, this.host);
  }

  async read(path: string, opts: Pick<ExecOptions, 'become' | 'becomeMethod'> = {}): Promise<Buffer> {
    const r = await this.execRaw(`cat -- ${quote(path)}`, { become: opts.become, becomeMethod: opts.becomeMethod, timeoutMs: 0 });
    if (r.code !== 0)
      throw new TsplayError('COMMAND_FAILED', `could not read ${path}: ${r.stderr.toString('utf8').trim()}`, { host: this.host });
    return r.stdout;
  }

  /** `read`, the bytes handed to `onData` as the channel delivers them (a snapshot is never held whole). */
  async readChunks(path: string, onData: (chunk: Buffer) => void, opts: Pick<ExecOptions, 'become' | 'becomeMethod'> = {}): Promise<void> {
    const r = await this.execRaw(`cat -- ${quote(path)}`, { become: opts.become, becomeMethod: opts.becomeMethod, timeoutMs: 0 }, onData);
    if (r.code !== 0)
      throw new TsplayError('COMMAND_FAILED', `could not read ${path}: ${r.stderr.toString('utf8').trim()}`, { host: this.host });
  }

  async stat(path: string, opts: StatOptions = {}): Promise<PathState> {
    const r = await this.exec(pathScript(path, opts.hash ?? false), { become: opts.become, becomeMethod: opts.becomeMethod });
    if (r.code !== 0) throw new TsplayError('COMMAND_FAILED', `could not stat ${path}: ${r.stderr.trim()}`, { host: this.host });
    return parsePathProbe(r.stdout);
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      for (const h of this.holds) void h.release();
      this.client.end();
      for (const j of this.jumps) j.end();
    }
    await this.closed;
  }
}

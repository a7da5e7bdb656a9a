import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createReadStream, promises as fs } from 'node:fs';
import type { Connection, ExecOptions, ExecResult, Held, HoldOptions, PathState, PutOptions, StatOptions } from './connection.js';
import { checkBecome, wrapCommand } from './become.js';
import { parsePathProbe, pathScript } from './facts.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';
import { safeWriteRefusal, safeWriteScript } from './safe-write.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs on the workstation itself (`connection: local`). */
export class LocalConnection implements Connection {
  private readonly holds = new Set<Held>();
  constructor(readonly host: string = 'localhost') {}

  /** A command with its stdin left open until `release` or `close` (or this process dies: the pipe closes). */
  async hold(command: string, opts: HoldOptions): Promise<Held> {
    const h = await holdLocal(
      wrapCommand(command, { become: opts.become, becomeMethod: opts.becomeMethod, env: opts.env }, isRoot),
      opts.ready,
    );
    if (h.exit && opts.become) checkBecome(h.exit, this.host);
    if (!h.exit) {
      this.holds.add(h);
      void h.ended.then(() => this.holds.delete(h));
    }
    return h;
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const full = wrapCommand(command, opts, isRoot);
    return new Promise((resolve, reject) => {
      // One exec argument is limited to 128 KiB (MAX_ARG_STRLEN): a longer script is read from a pipe on fd 3.
      const long = Buffer.byteLength(full) > 64 * 1024;
      const argv = long ? ['-c', 'tsplay_script=$(cat <&3) && exec 3<&- && eval "$tsplay_script"'] : ['-c', full];
      const child = spawn('/bin/sh', argv, {
        stdio: ['pipe', 'pipe', 'pipe', long ? 'pipe' : 'ignore'],
        detached: true,
      }) as ChildProcessWithoutNullStreams;
      if (long) {
        const script = child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
        script.on('error', () => undefined);
        script.end(full);
      }
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            try {
              if (child.pid) process.kill(-child.pid, 'SIGKILL');
            } catch {
              /* already gone */
            }
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        const r: ExecResult = {
          code: code ?? (signal ? 128 + 9 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        if (timedOut) r.timedOut = true;
        try {
          resolve(opts.become ? checkBecome(r, this.host) : r);
        } catch (e) {
          reject(e);
        }
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin ?? '');
    });
  }

  /** Through the safe write (checked directories, owner/mode on the temp file), as sudo when asked and not root. */
  async put(path: string, data: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const target = { path, owner: opts.owner, group: opts.group, mode: opts.mode, secret: opts.mode === undefined };
    const r = await this.exec(safeWriteScript(target, 'cat > "$TSPLAY_TMP"', { staleBefore: RUN_START_MS }), {
      become: isRoot ? undefined : opts.become,
      becomeMethod: opts.becomeMethod,
      stdin: data,
    });
    if (r.code === 0) return;
    const refused = safeWriteRefusal(r, path);
    if (refused) throw refused.withContext({ host: this.host });
    const msg = r.stderr.trim();
    if (/No space left on device|Disk quota exceeded/i.test(msg))
      throw new TsplayError('DISK_FULL', `no space left writing ${path}: ${msg}`, {
        host: this.host,
        hint: 'free space on the target filesystem',
      });
    throw new TsplayError('WRITE_FAILED', `could not write ${path}: ${msg || `exit ${r.code}`}`, { host: this.host });
  }

  async read(path: string, opts: Pick<ExecOptions, 'become' | 'becomeMethod'> = {}): Promise<Buffer> {
    if (opts.become && !isRoot) {
      const r = await this.exec(`cat -- ${quote(path)}`, { become: opts.become, becomeMethod: opts.becomeMethod });
      if (r.code !== 0) throw new TsplayError('COMMAND_FAILED', `could not read ${path}: ${r.stderr.trim()}`, { host: this.host });
      return Buffer.from(r.stdout, 'utf8');
    }
    return fs.readFile(path);
  }

  /** `read` in pieces of up to 1 MiB (as sudo when asked and not root: then one piece, as `read` gives it). */
  async readChunks(path: string, onData: (chunk: Buffer) => void, opts: Pick<ExecOptions, 'become' | 'becomeMethod'> = {}): Promise<void> {
    if (opts.become && !isRoot) return onData(await this.read(path, opts));
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) onData(chunk as Buffer);
  }

  async stat(path: string, opts: StatOptions = {}): Promise<PathState> {
    const r = await this.exec(pathScript(path, opts.hash ?? false), { become: opts.become, becomeMethod: opts.becomeMethod });
    return parsePathProbe(r.stdout);
  }

  async close(): Promise<void> {
    await Promise.all([...this.holds].map((h) => h.release()));
  }
}

/** When this process started (the workstation is the host): tsplay temp files last modified before it are leftovers of an earlier, interrupted run. */
const RUN_START_MS = Math.floor(performance.timeOrigin);

/** A file written atomically on this machine, as `LocalConnection.put` does. */
export function atomicWriteLocal(path: string, data: string | Buffer, opts: PutOptions, host: string): Promise<void> {
  return new LocalConnection(host).put(path, data, opts);
}

/** Spawn `full` with stdin kept open; resolve when `ready(stdout)` or when it exits first (then `exit`). */
function holdLocal(full: string, ready: (stdout: string) => boolean): Promise<Held> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', full], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const ended = new Promise<void>((r) => child.once('close', () => r()));
    const held = (exit?: ExecResult): Held => ({
      stdout,
      exit,
      ended,
      release: async () => {
        child.stdin.end();
        await ended;
      },
    });
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
      if (!settled && ready(stdout)) {
        settled = true;
        resolve(held());
      }
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      resolve(held({ code: code ?? (signal ? 137 : 1), stdout, stderr }));
    });
  });
}

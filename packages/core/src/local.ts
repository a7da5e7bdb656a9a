import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Connection, ExecOptions, ExecResult, Held, HoldOptions, PathState, PutOptions, StatOptions } from './connection.js';
import { checkBecome, wrapCommand } from './become.js';
import { parsePathProbe, pathScript } from './facts.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs on the workstation itself (`connection: local`). */
export class LocalConnection implements Connection {
  private readonly holds = new Set<Held>();
  constructor(readonly host: string = 'localhost') {}

  /** A command with its stdin left open until `release` or `close` (or this process dies: the pipe closes). */
  async hold(command: string, opts: HoldOptions): Promise<Held> {
    const h = await holdLocal(wrapCommand(command, { become: opts.become, env: opts.env }, isRoot), opts.ready);
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
      const child = spawn('/bin/sh', argv, { stdio: ['pipe', 'pipe', 'pipe', long ? 'pipe' : 'ignore'], detached: true }) as ChildProcessWithoutNullStreams;
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

  async put(path: string, data: string | Buffer, opts: PutOptions = {}): Promise<void> {
    if (opts.become && !isRoot) {
      // Not root locally: stream through sudo with an atomic temp+rename on the far side.
      const tmp = join(dirname(path), `.${basename(path)}.tsplay-${randomBytes(6).toString('hex')}`);
      const script = `${staleTempScript(dirname(path))}; umask 077; cat > ${quote(tmp)} && sync ${quote(tmp)} 2>/dev/null; ${
        opts.mode !== undefined ? `chmod ${opts.mode.toString(8)} ${quote(tmp)} && ` : ''
      }${opts.owner || opts.group ? `chown ${quote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} ${quote(tmp)} && ` : ''}mv -f ${quote(tmp)} ${quote(path)} || { rm -f ${quote(tmp)}; exit 1; }`;
      const r = await this.exec(script, { become: opts.become, stdin: data });
      if (r.code !== 0) throw new TsplayError('WRITE_FAILED', `could not write ${path}: ${r.stderr.trim()}`, { host: this.host });
      return;
    }
    await atomicWriteLocal(path, data, opts, this.host);
  }

  async read(path: string, opts: { become?: boolean | string | undefined } = {}): Promise<Buffer> {
    if (opts.become && !isRoot) {
      const r = await this.exec(`cat -- ${quote(path)}`, { become: opts.become });
      if (r.code !== 0) throw new TsplayError('COMMAND_FAILED', `could not read ${path}: ${r.stderr.trim()}`, { host: this.host });
      return Buffer.from(r.stdout, 'utf8');
    }
    return fs.readFile(path);
  }

  async stat(path: string, opts: StatOptions = {}): Promise<PathState> {
    const r = await this.exec(pathScript(path, opts.hash ?? false), { become: opts.become });
    return parsePathProbe(r.stdout);
  }

  async close(): Promise<void> {
    await Promise.all([...this.holds].map((h) => h.release()));
  }
}

/** When this process started: a temp file last modified before it is a leftover of an earlier, interrupted run. */
const RUN_START_MS = Math.floor(performance.timeOrigin);

/** tsplay's own temp names: `.NAME.tsplay-` + 12 hex digits (put), or 6 letters/digits (`mktemp` in the download script). */
export const STALE_TEMP = /^\..+\.tsplay-(?:[0-9a-f]{12}|[A-Za-z0-9]{6})$/;

/** The same cleanup as a shell snippet (for writes through sudo): names as STALE_TEMP, older than this run. */
export function staleTempScript(dir: string, runStartMs = RUN_START_MS): string {
  const ageMs = Math.ceil(Math.max(0, Date.now() - runStartMs)) + 500;
  const names = `\\( -name ${quote(`.?*.tsplay-${'[0-9a-f]'.repeat(12)}`)} -o -name ${quote(`.?*.tsplay-${'[0-9A-Za-z]'.repeat(6)}`)} \\)`;
  const ref = `t=$(( $(date +%s%N) / 1000000 - ${ageMs} )) && r="@$((t / 1000)).$(printf %03d $((t % 1000)))"`;
  return `{ ${ref} && find ${quote(dir)} -maxdepth 1 -type f ${names} ! -newermt "$r" -exec rm -f -- {} + ; } 2>/dev/null || true`;
}

/** Remove stale temp files (STALE_TEMP, modified before this run started) from `dir`. Best effort. */
export async function removeStaleTemps(dir: string, runStartMs = RUN_START_MS): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const n of names.filter((x) => STALE_TEMP.test(x))) {
    const p = join(dir, n);
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st?.isFile() || st.mtimeMs >= runStartMs) continue;
    if (await fs.rm(p).then(() => true, () => false)) removed.push(n);
  }
  return removed;
}

/** temp file in the same dir, fsync, rename: a reader never sees half a file. */
export async function atomicWriteLocal(path: string, data: string | Buffer, opts: PutOptions, host: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tsplay-${randomBytes(6).toString('hex')}`);
  let fh: fs.FileHandle | undefined;
  await removeStaleTemps(dirname(path));
  try {
    fh = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    if (opts.mode !== undefined) await fs.chmod(tmp, opts.mode);
    if (opts.owner || opts.group) {
      const r = await new LocalConnection(host).exec(
        `chown ${quote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} ${quote(tmp)}`,
      );
      if (r.code !== 0) throw new Error(r.stderr.trim());
    }
    await fs.rename(tmp, path);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC')
      throw new TsplayError('DISK_FULL', `no space left writing ${path}`, { host, hint: 'free space on the target filesystem', cause: e });
    throw new TsplayError('WRITE_FAILED', `could not write ${path}: ${(e as Error).message}`, { host, cause: e });
  }
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

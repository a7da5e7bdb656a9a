import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Connection, ExecOptions, ExecResult, PathState, PutOptions, StatOptions } from './connection.js';
import { checkBecome, wrapCommand } from './become.js';
import { parsePathProbe, pathScript } from './facts.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs on the workstation itself (`connection: local`). */
export class LocalConnection implements Connection {
  constructor(readonly host: string = 'localhost') {}

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
      const script = `umask 077; cat > ${quote(tmp)} && sync ${quote(tmp)} 2>/dev/null; ${
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
    /* nothing to close */
  }
}

/** temp file in the same dir, fsync, rename: a reader never sees half a file. */
export async function atomicWriteLocal(path: string, data: string | Buffer, opts: PutOptions, host: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tsplay-${randomBytes(6).toString('hex')}`);
  let fh: fs.FileHandle | undefined;
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

import { doasLine, suLine, sudoLine, SU_STARTED } from './become-line.js';
import type { BecomeMethod, Connection, ExecOptions, ExecResult, HoldOptions } from './connection.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';

/** How a transport gains privileges: the method, and a password sent over stdin. */
export interface BecomeSpec {
  method?: BecomeMethod | undefined;
  /** The password as a plain string, only held by the connection; it is sent as stdin's first line, never on argv. */
  password?: string | undefined;
  /** The program to run instead of the method's name (Ansible's `ansible_become_exe`). */
  exe?: string | undefined;
}

function envAndCwd(cmd: string, opts: ExecOptions): string {
  let inner = cmd;
  if (opts.cwd) inner = `cd ${quote(opts.cwd)} && ${inner}`;
  if (opts.env && Object.keys(opts.env).length > 0) {
    const exports = Object.entries(opts.env).map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        throw new TsplayError('ARGS_INVALID', `bad environment variable name ${JSON.stringify(k)}`, { field: 'env' });
      return `export ${k}=${quote(v)};`;
    });
    inner = `${exports.join(' ')} ${inner}`;
  }
  return inner;
}

/** True when `become` asks for root (`true` or `'root'`): what such an exec may read and write is root's. */
export function becomesRoot(become: boolean | string | undefined): boolean {
  return become === true || become === 'root';
}

/** True when this exec runs through a become method (not when the target is already the SSH user root). */
export function usesBecome(opts: Pick<ExecOptions, 'become'>, asRoot: boolean): boolean {
  const b = opts.become;
  return !(!b || (becomesRoot(b) && asRoot));
}

/** Wraps a command for cwd, env and become (`sudo -n` unless a password or another method is given). Shared by every transport. */
export function wrapCommand(cmd: string, opts: ExecOptions = {}, asRoot = false, spec: BecomeSpec = {}): string {
  const inner = envAndCwd(cmd, opts);
  if (!usesBecome(opts, asRoot)) return inner;
  const user = typeof opts.become === 'string' ? opts.become : undefined;
  const method = opts.becomeMethod ?? spec.method ?? 'sudo';
  const line = method === 'doas' ? doasLine : method === 'su' ? suLine : sudoLine;
  return line(inner, user, spec.exe, spec.password !== undefined);
}

/** The stdin to send with a become'd command: the password line first when there is one. */
export function becomeStdin(stdin: string | Buffer | undefined, spec: BecomeSpec, used: boolean): string | Buffer | undefined {
  if (!used || spec.password === undefined) return stdin;
  const line = Buffer.from(`${spec.password}\n`, 'utf8');
  if (stdin === undefined) return line;
  return Buffer.concat([line, typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin]);
}

/**
 * A Connection whose every call becomes with `method` (a play's or task's `becomeMethod`) instead of the
 * host's; the same connection underneath. Without a method, the connection itself.
 */
export function withBecomeMethod(conn: Connection, method: BecomeMethod | undefined): Connection {
  if (method === undefined) return conn;
  const m = { becomeMethod: method };
  const hold = conn.hold?.bind(conn);
  const readChunks = conn.readChunks?.bind(conn);
  return {
    host: conn.host,
    exec: (c, o = {}) => conn.exec(c, { ...o, ...m }),
    put: (p, d, o = {}) => conn.put(p, d, { ...o, ...m }),
    read: (p, o = {}) => conn.read(p, { ...o, ...m }),
    stat: (p, o = {}) => conn.stat(p, { ...o, ...m }),
    ...(hold ? { hold: (c: string, o: HoldOptions) => hold(c, { ...o, ...m }) } : {}),
    ...(readChunks ? { readChunks: (p: string, f: (b: Buffer) => void, o = {}) => readChunks(p, f, { ...o, ...m }) } : {}),
    close: () => conn.close(),
  };
}

const GIVE = 'give it with -K/--ask-become-pass, --become-password-file or a becomePassword Secret for the host';
const CHECK = 'check the password given with -K, --become-password-file or becomePassword for this host';
const SU_HINT =
  "su takes the password of the user to become (root's by default): give that with -K/--ask-become-pass, --become-password-file or becomePassword for the host";

/** The become methods' own refusals (matched on stderr), as coded errors; `pw`: a password was given. */
const REFUSALS: readonly { re: RegExp; message: (pw: boolean) => string; hint: string }[] = [
  {
    re: /sudo: (a password is required|a terminal is required)/,
    message: () => 'sudo needs a password for this user',
    hint: `${GIVE}, or allow passwordless sudo ("USER ALL=(ALL) NOPASSWD:ALL" in /etc/sudoers.d/)`,
  },
  {
    re: /sudo: \d+ incorrect password attempts?|Sorry, try again\.|sudo: no password was provided/,
    message: () => 'sudo refused the become password',
    hint: CHECK,
  },
  {
    re: /is not in the sudoers file|is not allowed to (run|execute)|may not run sudo/,
    message: () => 'the SSH user may not use sudo on this host',
    hint: 'add the user to the sudo group or sudoers, or turn off become for this task',
  },
  {
    re: /doas: Authentication required/,
    message: () => 'doas needs a password for this user (no "permit nopass" rule)',
    hint: `${GIVE}, or add "permit nopass USER as root" to /etc/doas.conf`,
  },
  { re: /doas: Authentication failed/, message: () => 'doas refused the become password', hint: CHECK },
  {
    re: /doas: (Operation not permitted|a password is required)/,
    message: () => 'no rule of /etc/doas.conf lets the SSH user become that user',
    hint: 'add "permit USER as root" (or "permit nopass USER as root") to /etc/doas.conf',
  },
  {
    re: /su: Authentication failure/,
    message: (pw) => (pw ? 'su refused the become password' : 'su needs the password of the user to become'),
    hint: SU_HINT,
  },
  {
    re: /su: must be run from a terminal/,
    message: () => 'this su reads a password only from a terminal',
    hint: 'use becomeMethod sudo or doas, or connect as root',
  },
  {
    re: /(sudo|doas|su|script|mkfifo|mktemp): (command )?not found/,
    message: () => 'the become program is not installed on this host',
    hint: 'install sudo (or the becomeMethod program; doas with a password also needs script, from util-linux) or connect as root',
  },
];

/**
 * Turn the become method's own failures into a coded error (never with its output, so never with a
 * password); any other result passes through. For su with a password, su's own talk before the command
 * started (its prompt) is cut from stderr; without the started mark, su did not let the command run.
 */
export function checkBecome(r: ExecResult, host: string, spec: BecomeSpec = {}): ExecResult {
  const pw = spec.password !== undefined;
  const at = pw && spec.method === 'su' ? r.stderr.indexOf(SU_STARTED) : -1;
  if (at >= 0) return { ...r, stderr: r.stderr.slice(at + SU_STARTED.length) };
  if (r.code === 0) return r;
  const refusal = REFUSALS.find((x) => x.re.test(r.stderr));
  if (refusal) throw new TsplayError('BECOME_FAILED', refusal.message(pw), { host, hint: refusal.hint });
  return r;
}

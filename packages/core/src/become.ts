import type { ExecOptions, ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';

/** How a transport gains privileges: the method, and (for `sudo`) a password sent over stdin. */
export interface BecomeSpec {
  method?: 'sudo' | 'su' | 'doas' | undefined;
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
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TsplayError('ARGS_INVALID', `bad environment variable name ${JSON.stringify(k)}`, { field: 'env' });
      return `export ${k}=${quote(v)};`;
    });
    inner = `${exports.join(' ')} ${inner}`;
  }
  return inner;
}

/** True when this exec runs through a become method (not when the target is already the SSH user root). */
export function usesBecome(opts: Pick<ExecOptions, 'become'>, asRoot: boolean): boolean {
  const b = opts.become;
  return !(!b || ((b === true || b === 'root') && asRoot));
}

/**
 * The sudo line. Without a password: `sudo -n` (never prompts). With one: sudo is asked first with
 * `-n` whether it needs a password at all; if not, the password line is read off stdin and dropped
 * (so the command never sees it), else `sudo -k -S -p ''` reads it as stdin's first line.
 */
function sudoLine(inner: string, user: string | undefined, spec: BecomeSpec): string {
  const exe = spec.exe ? quote(spec.exe) : 'sudo';
  const u = user !== undefined ? `-u ${quote(user)} ` : '';
  const sh = `-- /bin/sh -c ${quote(inner)}`;
  if (spec.password === undefined) return `${exe} -n ${u}${sh}`;
  return `if ${exe} -n ${u}true 2>/dev/null; then IFS= read -r _tsplay_pw; exec ${exe} -n ${u}${sh}; else exec ${exe} -k -S -p '' ${u}${sh}; fi`;
}

/** Wraps a command for cwd, env and become (`sudo -n` unless a password or another method is given). Shared by every transport. */
export function wrapCommand(cmd: string, opts: ExecOptions = {}, asRoot = false, spec: BecomeSpec = {}): string {
  const inner = envAndCwd(cmd, opts);
  if (!usesBecome(opts, asRoot)) return inner;
  const user = typeof opts.become === 'string' ? opts.become : undefined;
  const method = spec.method ?? 'sudo';
  if (method === 'sudo') return sudoLine(inner, user, spec);
  if (spec.password !== undefined)
    throw new TsplayError('BECOME_FAILED', `become method ${method} with a password is not supported yet (${method} reads it from a terminal)`, {
      field: 'becomeMethod',
      hint: `use becomeMethod: sudo with the password, or allow ${method === 'doas' ? '"permit nopass" in /etc/doas.conf' : 'sudo'} for the SSH user`,
    });
  if (method === 'doas') return `${spec.exe ? quote(spec.exe) : 'doas'} -n ${user !== undefined ? `-u ${quote(user)} ` : ''}/bin/sh -c ${quote(inner)}`;
  return `${spec.exe ? quote(spec.exe) : 'su'} ${quote(user ?? 'root')} -s /bin/sh -c ${quote(inner)}`;
}

/** The stdin to send with a become'd command: the password line first when sudo has one. */
export function becomeStdin(stdin: string | Buffer | undefined, spec: BecomeSpec, used: boolean): string | Buffer | undefined {
  if (!used || spec.password === undefined || (spec.method ?? 'sudo') !== 'sudo') return stdin;
  const line = Buffer.from(`${spec.password}\n`, 'utf8');
  if (stdin === undefined) return line;
  return Buffer.concat([line, typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin]);
}

const SUDO_PASSWORD = /sudo: (a password is required|a terminal is required)/;
const SUDO_WRONG = /sudo: \d+ incorrect password attempts?|Sorry, try again\.|sudo: no password was provided/;
const SUDO_DENIED = /is not in the sudoers file|is not allowed to (run|execute)|may not run sudo/;
const SUDO_MISSING = /(sudo|doas|su): (command )?not found/;
const DOAS_DENIED = /doas: (Operation not permitted|Authentication required|a password is required)/;
const SU_TTY = /su: (must be run from a terminal|Authentication failure)/;

/** Turn the become method's own failures into a coded error; any other result passes through. */
export function checkBecome(r: ExecResult, host: string): ExecResult {
  if (r.code === 0) return r;
  if (SUDO_PASSWORD.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'sudo needs a password for this user', {
      host,
      hint: 'give it with -K/--ask-become-pass, --become-password-file or a becomePassword Secret for the host, or allow passwordless sudo ("USER ALL=(ALL) NOPASSWD:ALL" in /etc/sudoers.d/)',
    });
  if (SUDO_WRONG.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'sudo refused the become password', { host, hint: 'check the password given with -K, --become-password-file or becomePassword for this host' });
  if (SUDO_DENIED.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'the SSH user may not use sudo on this host', {
      host,
      hint: 'add the user to the sudo group or sudoers, or turn off become for this task',
    });
  if (DOAS_DENIED.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'doas refused: the SSH user has no "permit nopass" rule for this command', { host, hint: 'add "permit nopass USER" to /etc/doas.conf' });
  if (SU_TTY.test(r.stderr)) throw new TsplayError('BECOME_FAILED', 'su needs a password from a terminal', { host, hint: 'use becomeMethod: sudo, or connect as root' });
  if (SUDO_MISSING.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'the become program is not installed on this host', { host, hint: 'install sudo (or the becomeMethod program) or connect as root' });
  return r;
}

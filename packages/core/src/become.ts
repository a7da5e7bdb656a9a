import type { ExecOptions, ExecResult } from './connection.js';
import { TsplayError } from './errors.js';
import { quote } from './sh.js';

/** Wraps a command for cwd, env and `sudo -n` (never prompts). Shared by every transport. */
export function wrapCommand(cmd: string, opts: ExecOptions = {}, asRoot = false): string {
  let inner = cmd;
  if (opts.cwd) inner = `cd ${quote(opts.cwd)} && ${inner}`;
  if (opts.env && Object.keys(opts.env).length > 0) {
    const exports = Object.entries(opts.env).map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TsplayError('ARGS_INVALID', `bad environment variable name ${JSON.stringify(k)}`, { field: 'env' });
      return `export ${k}=${quote(v)};`;
    });
    inner = `${exports.join(' ')} ${inner}`;
  }
  const become = opts.become;
  if (!become || (become === true && asRoot) || become === 'root' && asRoot) return inner;
  const user = typeof become === 'string' ? `-u ${quote(become)} ` : '';
  return `sudo -n ${user}-- /bin/sh -c ${quote(inner)}`;
}

const SUDO_PASSWORD = /sudo: (a password is required|a terminal is required)/;
const SUDO_DENIED = /is not in the sudoers file|is not allowed to (run|execute)|may not run sudo/;
const SUDO_MISSING = /sudo: (command )?not found/;

/** Turn sudo's own failures into a coded error; any other result passes through. */
export function checkBecome(r: ExecResult, host: string): ExecResult {
  if (r.code === 0) return r;
  if (SUDO_PASSWORD.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'sudo needs a password for this user', {
      host,
      hint: 'allow passwordless sudo for the SSH user (e.g. "USER ALL=(ALL) NOPASSWD:ALL" in /etc/sudoers.d/) or connect as a user that has it',
    });
  if (SUDO_DENIED.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'the SSH user may not use sudo on this host', {
      host,
      hint: 'add the user to the sudo group or sudoers, or turn off become for this task',
    });
  if (SUDO_MISSING.test(r.stderr))
    throw new TsplayError('BECOME_FAILED', 'sudo is not installed on this host', { host, hint: 'install sudo or connect as root' });
  return r;
}

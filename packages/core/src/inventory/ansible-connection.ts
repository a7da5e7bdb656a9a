import { dirname, isAbsolute, resolve } from 'node:path';
import { TsplayError } from '../errors.js';
import { isSecret } from '../secret.js';

/**
 * Ansible's connection vars (in a host's merged vars) -> tsplay's connection fields. Where Ansible
 * has two names for one setting, the later one in its own list wins (`ansible_ssh_host` over
 * `ansible_host`), as in the ssh plugin's option resolution.
 */
export const CONNECTION_VARS = [
  'ansible_host',
  'ansible_ssh_host',
  'ansible_user',
  'ansible_ssh_user',
  'ansible_port',
  'ansible_ssh_port',
  'ansible_private_key_file',
  'ansible_ssh_private_key_file',
  'ansible_become',
  'ansible_become_user',
  'ansible_become_method',
  'ansible_become_password',
  'ansible_become_pass',
  'ansible_become_exe',
  'ansible_connection',
  'ansible_ssh_retries',
] as const;

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
/** Ansible's `boolean()`. */
export const ansibleBool = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && TRUE.has(v.trim().toLowerCase()));

const last = (vars: Record<string, unknown>, ...keys: string[]): unknown => {
  let out: unknown;
  for (const k of keys) if (vars[k] !== undefined && vars[k] !== null) out = vars[k];
  return out;
};

export function connectionFields(vars: Record<string, unknown>, host: string, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const address = last(vars, 'ansible_host', 'ansible_ssh_host');
  if (address !== undefined) out.address = String(address);
  const user = last(vars, 'ansible_user', 'ansible_ssh_user');
  if (user !== undefined) out.user = String(user);
  const port = last(vars, 'ansible_port', 'ansible_ssh_port');
  if (port !== undefined) out.port = typeof port === 'string' && /^\s*\d+\s*$/.test(port) ? Number(port) : port;
  const key = last(vars, 'ansible_private_key_file', 'ansible_ssh_private_key_file');
  if (key !== undefined) {
    const k = String(key);
    // relative key paths are relative to the inventory file
    out.privateKeyPath = isAbsolute(k) || k.startsWith('~') ? k : resolve(dirname(file), k);
  }
  if (vars.ansible_become !== undefined) {
    const becomeUser = vars.ansible_become_user;
    out.become = ansibleBool(vars.ansible_become) ? (typeof becomeUser === 'string' ? becomeUser : true) : false;
  }
  Object.assign(out, becomeFields(vars, host, file), retriesField(vars, host, file));
  const conn = vars.ansible_connection;
  if (conn !== undefined && conn !== null) {
    const c = String(conn).replace(/^ansible\.builtin\./, '');
    if (c === 'local') out.connection = 'local';
    else if (c === 'ssh' || c === 'smart' || c === 'paramiko' || c === 'paramiko_ssh') out.connection = 'ssh';
    else
      throw new TsplayError('INVENTORY_INVALID', `host ${host}: ansible_connection=${c} is not supported`, {
        file,
        field: `${host}.ansible_connection`,
        hint: 'tsplay connects with ssh or local',
      });
  }
  return out;
}

/** `ansible_become_method`/`_password` (or `_pass`)/`_exe` -> becomeMethod, becomePassword, becomeExe. */
function becomeFields(vars: Record<string, unknown>, host: string, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const m = vars.ansible_become_method;
  if (m !== undefined && m !== null) {
    const method = String(m).replace(/^(ansible\.builtin|community\.general)\./, '');
    if (method !== 'sudo' && method !== 'su' && method !== 'doas')
      throw new TsplayError('INVENTORY_INVALID', `host ${host}: ansible_become_method=${method} is not supported`, {
        file,
        field: `${host}.ansible_become_method`,
        hint: 'tsplay becomes with sudo, su or doas',
      });
    out.becomeMethod = method;
  }
  const pw = last(vars, 'ansible_become_pass', 'ansible_become_password');
  if (pw !== undefined) out.becomePassword = isSecret(pw) ? pw : String(pw);
  if (vars.ansible_become_exe !== undefined && vars.ansible_become_exe !== null) out.becomeExe = String(vars.ansible_become_exe);
  return out;
}

/** `ansible_ssh_retries` (the ssh plugin's reconnection retries; default 0) -> connectionAttempts = retries + 1. */
function retriesField(vars: Record<string, unknown>, host: string, file: string): Record<string, unknown> {
  const r = vars.ansible_ssh_retries;
  if (r === undefined || r === null) return {};
  const n = typeof r === 'string' && /^\s*\d+\s*$/.test(r) ? Number(r) : r;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 99)
    throw new TsplayError('INVENTORY_INVALID', `host ${host}: ansible_ssh_retries=${String(r)} is not a whole number from 0 to 99`, {
      file,
      field: `${host}.ansible_ssh_retries`,
      hint: 'ansible_ssh_retries counts the retries after the first attempt, e.g. 2 for 3 attempts',
    });
  return { connectionAttempts: n + 1 };
}

/** A host's vars without the connection vars (those became fields). */
export function plainVars(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (!(CONNECTION_VARS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { TsplayError } from '@tsplay/core';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_CONNECTION_ATTEMPTS,
  DEFAULT_SERVER_ALIVE_COUNT_MAX,
  DEFAULT_SERVER_ALIVE_INTERVAL,
  type ConnectOptions,
  type SshHostSpec,
  type SshTarget,
} from './spec.js';
import { expandTokens, lookupSshConfig, parseJumpHop } from './ssh-config.js';
import { expandIncludes } from './ssh-config-include.js';

const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk'];

function readConfig(spec: SshHostSpec, home: string): string {
  const path = spec.sshConfigPath ?? join(home, '.ssh', 'config');
  try {
    return expandIncludes(readFileSync(path, 'utf8'), home);
  } catch (e) {
    if (spec.sshConfigPath === undefined && (e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new TsplayError('INVENTORY_INVALID', `cannot read ssh config ${path}: ${(e as Error).message}`, {
      host: spec.name,
      field: 'sshConfigFile',
      hint: 'fix sshConfigFile in the inventory (or --ssh-config), or remove it to read ~/.ssh/config',
      cause: e,
    });
  }
}

/** Merge the inventory spec (hops of a ProxyJump do not jump again) with `~/.ssh/config` (inventory wins) and the environment. Pure apart from reading the config. */
/** The become settings a target carries (never for a jump hop). */
function becomeFields(spec: SshHostSpec): Pick<SshTarget, 'becomeMethod' | 'becomePassword' | 'becomeExe'> {
  return {
    ...(spec.becomeMethod ? { becomeMethod: spec.becomeMethod } : {}),
    ...(spec.becomePassword !== undefined ? { becomePassword: spec.becomePassword } : {}),
    ...(spec.becomeExe ? { becomeExe: spec.becomeExe } : {}),
  };
}

export function resolveTarget(spec: SshHostSpec, opts: ConnectOptions = {}, isHop = false): SshTarget {
  const home = opts.home ?? homedir();
  const localUser = opts.localUser ?? userInfo().username;
  const env = opts.env ?? process.env;
  const text = readConfig(spec, home);
  const cfg = lookupSshConfig(text, spec.address);
  const host = cfg.hostName ?? spec.address;
  const port = spec.port ?? cfg.port ?? 22;
  const user = spec.user ?? cfg.user ?? localUser;
  const expand = (v: string): string => {
    const p = expandTokens(v, { home, localUser, host, user, port });
    return isAbsolute(p) ? p : join(home, '.ssh', p);
  };
  const configured = cfg.identityFiles.map(expand);
  const identityFiles = [...(spec.privateKeyPath ? [spec.privateKeyPath] : []), ...configured];
  if (identityFiles.length === 0) identityFiles.push(...DEFAULT_IDENTITIES.map((f) => join(home, '.ssh', f)));
  const specKnown = spec.knownHosts === undefined ? [] : Array.isArray(spec.knownHosts) ? spec.knownHosts : [spec.knownHosts];
  const userKnown = cfg.userKnownHostsFiles?.map(expand) ?? [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
  const hostKeyChecking = spec.hostKeyChecking ?? (cfg.strictHostKeyChecking === 'accept-new' ? 'accept-new' : 'strict');
  const connectTimeoutMs = spec.connectTimeoutMs ?? cfg.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const connectionAttempts = spec.connectionAttempts ?? cfg.connectionAttempts ?? DEFAULT_CONNECTION_ATTEMPTS;
  const agentSocket = env['SSH_AUTH_SOCK'] || undefined;
  const aliveS = spec.serverAliveInterval ?? cfg.serverAliveInterval ?? DEFAULT_SERVER_ALIVE_INTERVAL;
  const aliveMax = spec.serverAliveCountMax ?? cfg.serverAliveCountMax ?? DEFAULT_SERVER_ALIVE_COUNT_MAX;
  const hostKeyAlias = spec.hostKeyAlias ?? cfg.hostKeyAlias;
  const jumps = (isHop ? '' : (cfg.proxyJump ?? ''))
    .split(',')
    .filter((h) => h.trim() !== '')
    .map((hop, i) => {
      const j = parseJumpHop(hop.trim());
      const hopSpec: SshHostSpec = {
        name: `${spec.name} (jump ${i + 1}: ${j.host})`,
        address: j.host,
        port: j.port,
        user: j.user,
        // The inventory key is offered to the jump host too (its own IdentityFile lines follow).
        privateKeyPath: spec.privateKeyPath,
        knownHosts: spec.knownHosts,
        hostKeyChecking,
        connectTimeoutMs,
        sshConfigPath: spec.sshConfigPath,
        serverAliveInterval: aliveS,
        serverAliveCountMax: aliveMax,
      };
      return resolveTarget(hopSpec, opts, true);
    });
  return {
    name: spec.name,
    host,
    port,
    user,
    identityFiles,
    requiredIdentity: spec.privateKeyPath,
    identitiesOnly: cfg.identitiesOnly ?? false,
    agentSocket,
    knownHostsFiles: [...specKnown, ...userKnown],
    hostKeyChecking,
    connectTimeoutMs,
    connectionAttempts,
    commandTimeoutMs: spec.commandTimeoutMs,
    keepaliveIntervalMs: Math.round(aliveS * 1000),
    keepaliveCountMax: aliveMax,
    ...(hostKeyAlias ? { hostKeyAlias } : {}),
    ...(isHop ? {} : becomeFields(spec)),
    jumps,
  };
}

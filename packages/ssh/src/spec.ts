import type { Secret } from '@tsplay/core';
/** How to reach one host over SSH. Inventory values win over `~/.ssh/config`. */
export interface SshHostSpec {
  /** Inventory name (used in errors). */
  name: string;
  /** Address or ssh-config alias (matched against `Host` patterns, replaced by `HostName`). */
  address: string;
  port?: number | undefined;
  user?: string | undefined;
  privateKeyPath?: string | undefined;
  /** Extra known_hosts files, checked before `~/.ssh/known_hosts`; `accept-new` records into the first. */
  knownHosts?: string | string[] | undefined;
  hostKeyChecking?: 'strict' | 'accept-new' | undefined;
  connectTimeoutMs?: number | undefined;
  /** Tries of the whole dial (ProxyJump chain included) when it fails transiently (else ssh config `ConnectionAttempts`, else 1). */
  connectionAttempts?: number | undefined;
  /** Default `timeoutMs` for every exec. */
  commandTimeoutMs?: number | undefined;
  /** Defaults to `~/.ssh/config` when it exists. */
  sshConfigPath?: string | undefined;
  /** Seconds between keepalives (else ssh config `ServerAliveInterval`, else 5). */
  serverAliveInterval?: number | undefined;
  /** Unanswered keepalives before the connection counts as lost (else `ServerAliveCountMax`, else 3). */
  serverAliveCountMax?: number | undefined;
  /** Look the host key up (and record it) under this name only, not the address (`HostKeyAlias`, CheckHostIP=no). */
  hostKeyAlias?: string | undefined;
  /** How become gains privileges (default sudo). */
  becomeMethod?: 'sudo' | 'su' | 'doas' | undefined;
  /** The become password (a Secret: revealed only into the channel's stdin). */
  becomePassword?: Secret | undefined;
  /** The become program's path (Ansible's `ansible_become_exe`). */
  becomeExe?: string | undefined;
}

/** The workstation side: defaults to this process's environment and home. Tests pass their own. */
export interface ConnectOptions {
  /** Reads `SSH_AUTH_SOCK` from here. */
  env?: Record<string, string | undefined> | undefined;
  home?: string | undefined;
  localUser?: string | undefined;
}

/** A spec after merging the ssh config: what is actually dialled. */
export interface SshTarget {
  name: string;
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** `privateKeyPath` from the inventory: must exist. */
  requiredIdentity?: string | undefined;
  identitiesOnly: boolean;
  agentSocket?: string | undefined;
  knownHostsFiles: string[];
  hostKeyChecking: 'strict' | 'accept-new';
  connectTimeoutMs: number;
  /** Tries of the whole dial when it fails transiently (a handshake timeout, refused/reset): each gets the full connectTimeoutMs. */
  connectionAttempts: number;
  commandTimeoutMs?: number | undefined;
  /** A lost link is noticed within keepaliveIntervalMs × keepaliveCountMax of the last packet. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** The known_hosts name when set (no `[host]:port` form), like OpenSSH's HostKeyAlias. */
  hostKeyAlias?: string | undefined;
  becomeMethod?: 'sudo' | 'su' | 'doas' | undefined;
  becomePassword?: Secret | undefined;
  becomeExe?: string | undefined;
  /** ProxyJump hops, dialled in order, each through the previous one. */
  jumps: SshTarget[];
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** OpenSSH's `ConnectionAttempts` default: one try, no retry. */
export const DEFAULT_CONNECTION_ATTEMPTS = 1;
/** OpenSSH's defaults are 0 (off) and 3; tsplay keeps keepalives on so a cut link is noticed in 15 s. */
export const DEFAULT_SERVER_ALIVE_INTERVAL = 5;
export const DEFAULT_SERVER_ALIVE_COUNT_MAX = 3;

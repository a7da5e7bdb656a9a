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
  /** Default `timeoutMs` for every exec. */
  commandTimeoutMs?: number | undefined;
  /** Defaults to `~/.ssh/config` when it exists. */
  sshConfigPath?: string | undefined;
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
  commandTimeoutMs?: number | undefined;
  /** ProxyJump hops, dialled in order, each through the previous one. */
  jumps: SshTarget[];
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

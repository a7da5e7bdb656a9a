import { matchPatternList } from './pattern.js';

/** The options tsplay takes from an OpenSSH client config for one host. */
export interface SshConfigEntry {
  hostName?: string | undefined;
  user?: string | undefined;
  port?: number | undefined;
  identityFiles: string[];
  identitiesOnly?: boolean | undefined;
  /** `none` is returned as undefined. */
  proxyJump?: string | undefined;
  connectTimeoutMs?: number | undefined;
  /** `ConnectionAttempts`: tries of the dial (a positive integer). */
  connectionAttempts?: number | undefined;
  userKnownHostsFiles?: string[] | undefined;
  strictHostKeyChecking?: string | undefined;
  /** Seconds; 0 turns keepalives off. */
  serverAliveInterval?: number | undefined;
  serverAliveCountMax?: number | undefined;
  hostKeyAlias?: string | undefined;
}

interface Block {
  /** `undefined` for the options before the first `Host` line (they apply to every host). */
  patterns: string[] | undefined;
  /** `Match` blocks are not evaluated: their options never apply. */
  skip: boolean;
  options: [string, string][];
}

/** Split `Key value`, `Key=value` and `Key "quoted value"` lines into blocks. */
export function parseSshConfig(text: string): Block[] {
  const blocks: Block[] = [{ patterns: undefined, skip: false, options: [] }];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(trimmed);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const args = splitArgs(m[2] ?? '');
    if (key === 'host') blocks.push({ patterns: args, skip: false, options: [] });
    else if (key === 'match') blocks.push({ patterns: [], skip: true, options: [] });
    else blocks[blocks.length - 1]?.options.push([key, args.join(' ')]);
  }
  return blocks;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

export interface ExpandContext {
  home: string;
  localUser: string;
}

/** `~`, `%d` (home), `%u` (local user), `%h` (host), `%r` (remote user), `%p` (port), `%%`. */
export function expandTokens(value: string, ctx: ExpandContext & { host: string; user: string; port: number }): string {
  const tilde = value === '~' || value.startsWith('~/') ? ctx.home + value.slice(1) : value;
  const map: Record<string, string> = { d: ctx.home, u: ctx.localUser, h: ctx.host, r: ctx.user, p: String(ctx.port), '%': '%' };
  return tilde.replace(/%([duhrp%])/g, (_, t: string) => map[t] ?? '');
}

const yes = (v: string): boolean => /^(yes|true)$/i.test(v);

/** The first value of each option from every block whose `Host` patterns match `host` (OpenSSH semantics). */
export function lookupSshConfig(text: string, host: string): SshConfigEntry {
  const entry: SshConfigEntry = { identityFiles: [] };
  const seen = new Set<string>();
  for (const block of parseSshConfig(text)) {
    if (block.skip) continue;
    if (block.patterns && !matchPatternList(host, block.patterns)) continue;
    for (const [key, value] of block.options) {
      if (key === 'identityfile') {
        entry.identityFiles.push(value);
        continue;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      switch (key) {
        case 'hostname':
          entry.hostName = value.replace(/%h/g, host);
          break;
        case 'user':
          entry.user = value;
          break;
        case 'port': {
          const port = Number(value);
          if (Number.isInteger(port) && port > 0 && port < 65536) entry.port = port;
          break;
        }
        case 'identitiesonly':
          entry.identitiesOnly = yes(value);
          break;
        case 'proxyjump':
          entry.proxyJump = value.toLowerCase() === 'none' ? undefined : value;
          break;
        case 'connecttimeout': {
          const s = Number(value);
          if (s > 0) entry.connectTimeoutMs = s * 1000;
          break;
        }
        case 'connectionattempts': {
          const n = Number(value);
          if (Number.isInteger(n) && n >= 1) entry.connectionAttempts = n;
          break;
        }
        case 'userknownhostsfile':
          entry.userKnownHostsFiles = value.split(/\s+/).filter((f) => f !== '' && f.toLowerCase() !== 'none');
          break;
        case 'stricthostkeychecking':
          entry.strictHostKeyChecking = value.toLowerCase();
          break;
        case 'serveraliveinterval': {
          const n = Number(value);
          if (Number.isInteger(n) && n >= 0) entry.serverAliveInterval = n;
          break;
        }
        case 'serveralivecountmax': {
          const n = Number(value);
          if (Number.isInteger(n) && n >= 1) entry.serverAliveCountMax = n;
          break;
        }
        case 'hostkeyalias':
          entry.hostKeyAlias = value;
          break;
        default:
          seen.delete(key);
      }
    }
  }
  return entry;
}

/** `user@host:port` (one ProxyJump hop; `[v6]:port` accepted). */
export function parseJumpHop(hop: string): { user?: string; host: string; port?: number } {
  let rest = hop.replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let port: number | undefined;
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(rest);
  const plain = /^([^:]+):(\d+)$/.exec(rest);
  if (v6) {
    host = v6[1] ?? rest;
    if (v6[2]) port = Number(v6[2]);
  } else if (plain) {
    host = plain[1] ?? rest;
    port = Number(plain[2]);
  }
  return { host, ...(user ? { user } : {}), ...(port ? { port } : {}) };
}

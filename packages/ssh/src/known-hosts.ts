import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { matchPatternList } from './pattern.js';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written: a pattern list or a hashed `|1|salt|hash` name. */
  hosts: string;
  type: string;
  blob: Buffer;
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'unknown'; otherTypes: string[] }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]?.startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    out.push({ marker, hosts, type, blob: Buffer.from(b64, 'base64'), file, line: i + 1 });
  });
  return out;
}

/** Names whose lookups an index keeps (far above any inventory it serves: a bound, not a working size). */
const MAX_REMEMBERED = 100_000;

/**
 * Entries of known_hosts files, indexed by their literal host names: a lookup scans only the entries that may
 * name any host (hashed `|1|` names, `*`/`?`/`!` patterns) and finds literal names in a map, so a run that dials
 * every host of a 1,000-line file does not scan the file once per host. `forName` gives exactly the entries
 * `hostFieldMatches` accepts, in file order. A hashed line costs an HMAC per lookup, so each name's answer is kept
 * for the index's life (the file set unchanged: host-key.ts), and a daemon's next run dialling it again pays none.
 */
export class KnownHostsIndex {
  readonly #literal = new Map<string, number[]>();
  readonly #scan: number[] = [];
  readonly #seen = new Map<string, readonly number[]>();

  constructor(readonly entries: readonly KnownHostEntry[]) {
    entries.forEach((e, i) => {
      if (e.hosts.startsWith('|1|') || /[*?!]/.test(e.hosts)) return void this.#scan.push(i);
      for (const n of new Set(
        e.hosts
          .split(',')
          .filter((x) => x !== '')
          .map((x) => x.toLowerCase()),
      )) {
        const at = this.#literal.get(n);
        if (at) at.push(i);
        else this.#literal.set(n, [i]);
      }
    });
  }

  /** The entries whose host field names `name`, in file order. */
  forName(name: string): KnownHostEntry[] {
    let hits = this.#seen.get(name);
    if (!hits) {
      const found = [...(this.#literal.get(name.toLowerCase()) ?? [])];
      for (const i of this.#scan) if (hostFieldMatches(this.entries[i]?.hosts ?? '', name)) found.push(i);
      hits = found.sort((x, y) => x - y);
      if (this.#seen.size >= MAX_REMEMBERED) this.#seen.clear();
      this.#seen.set(name, hits);
    }
    return hits.map((i) => this.entries[i] as KnownHostEntry);
  }
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Does the entry's host field (hashed `|1|salt|hash` or a pattern list) name `name`? */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const want = Buffer.from(hash, 'base64');
    const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  return matchPatternList(name.toLowerCase(), field.split(','));
}

/** Key type from an SSH wire-format public key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH-style fingerprint: `SHA256:` + unpadded base64 of the blob's sha256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Compare a presented host key with every entry for `name` (OpenSSH `check_key_in_hostkeys`). */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
  const type = keyType(blob);
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.blob.equals(blob));
  if (revoked) return { status: 'revoked', entry: revoked };
  const sameType = forHost.filter((e) => !e.marker && e.type === type);
  const match = sameType.find((e) => e.blob.equals(blob));
  if (match) return { status: 'ok', entry: match };
  if (sameType[0]) return { status: 'changed', entry: sameType[0] };
  return { status: 'unknown', otherTypes: [...new Set(forHost.filter((e) => !e.marker).map((e) => e.type))] };
}

/** Key types already known for `name`, to ask the server for those first (like OpenSSH does). */
export function knownTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => !e.marker && hostFieldMatches(e.hosts, name)).map((e) => e.type))];
}

/** The line `accept-new` appends. */
export function knownHostsLine(name: string, blob: Buffer): string {
  return `${name} ${keyType(blob)} ${blob.toString('base64')}\n`;
}

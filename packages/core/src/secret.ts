/** A value that never prints. `String(secret)`, JSON and inspect all show `***`. */
const REDACTED = '***';
const registry = new Set<string>();
/** The brand of every Secret, shared by all copies of @tsplay/core in a process (a project's own and the CLI's). */
const BRAND = Symbol.for('tsplay.secret');

export class Secret<T = string> {
  readonly #value: T;
  /** Marks a Secret across copies of this module (`isSecret` checks it, not the class). */
  get [BRAND](): true {
    return true;
  }
  constructor(value: T) {
    this.#value = value;
    if (typeof value === 'string' && value.length >= 4) registry.add(value);
  }
  reveal(): T {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${REDACTED})`;
  }
}

export function secret<T>(value: T): Secret<T> {
  return new Secret(value);
}

/** A Secret of this or another copy of @tsplay/core (by its brand, so a project's own core accepts the CLI's Secrets). */
export function isSecret(v: unknown): v is Secret<unknown> {
  return (
    v instanceof Secret ||
    (typeof v === 'object' &&
      v !== null &&
      (v as Record<symbol, unknown>)[BRAND] === true &&
      typeof (v as { reveal?: unknown }).reveal === 'function')
  );
}

export function reveal<T>(v: T | Secret<T>): T {
  return isSecret(v) ? (v.reveal() as T) : (v as T);
}

/** Register a string (key material, file content marked secret) so every output redacts it. */
export function registerSecret(value: string): void {
  if (value.length >= 4) registry.add(value);
  for (const line of value.split('\n')) if (line.trim().length >= 16) registry.add(line.trim());
}

/** Replace every registered secret in a text by `***`. Applied by every reporter. */
export function redact(text: string): string {
  if (registry.size === 0) return text;
  let out = text;
  for (const s of registry) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** Deep copy of a value with Secret instances and registered strings redacted. */
export function redactValue(v: unknown): unknown {
  if (isSecret(v)) return REDACTED;
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map(redactValue);
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  if (v instanceof Error) return redact(v.message);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = redactValue(x);
    return o;
  }
  return v;
}

/**
 * Opens a vault- or age-encrypted workstation file (a `copy` source) synchronously, as module facts
 * are built: the plaintext, or undefined for a file that is not encrypted. The CLI installs one per
 * run with the run's keys. It lives on `globalThis` under `Symbol.for` so every copy of
 * @tsplay/core in the process (a project's own and the CLI's) sees the same one.
 */
export type LocalFileOpener = (path: string, bytes: Buffer) => Buffer | undefined;
const OPENER = Symbol.for('tsplay.localFileOpener');

export function setLocalFileOpener(open: LocalFileOpener | undefined): void {
  (globalThis as Record<symbol, unknown>)[OPENER] = open;
}

export function localFileOpener(): LocalFileOpener | undefined {
  return (globalThis as Record<symbol, unknown>)[OPENER] as LocalFileOpener | undefined;
}

/** Which encryption a file's bytes use, by their header (as @tsplay/secrets' `encryptionOf`). */
export function encryptedAs(bytes: Buffer): 'vault' | 'age' | undefined {
  const head = bytes.subarray(0, 64).toString('latin1');
  if (head.trimStart().startsWith('$ANSIBLE_VAULT;')) return 'vault';
  if (head.startsWith('age-encryption.org/v1\n') || head.trimStart().startsWith('-----BEGIN AGE ENCRYPTED FILE-----')) return 'age';
  return undefined;
}

import { createCipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { secretsError, where } from './errors.js';

/**
 * Ansible Vault, as Ansible writes it (`ansible/parsing/vault/__init__.py`, VaultAES256):
 * header `$ANSIBLE_VAULT;1.1;AES256` (or `;1.2;AES256;<vault-id>`), then 80-column lines of
 * hex(hex(salt) "\n" hex(hmac) "\n" hex(ciphertext)). Keys: PBKDF2-HMAC-SHA256, 10000 rounds,
 * 80 bytes = AES key (32) | HMAC key (32) | CTR IV (16). The plaintext is PKCS#7-padded, then
 * AES-256-CTR; the HMAC-SHA256 covers the ciphertext. Pure: no I/O, no password sources.
 */
export const VAULT_HEADER = '$ANSIBLE_VAULT';

export interface VaultEnvelope {
  version: '1.1' | '1.2';
  /** The vault id of a 1.2 file; `default` for 1.1. */
  label: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

/** True when the text starts (after blank space) with the vault header. */
export function isVault(text: string | Buffer): boolean {
  const head = (typeof text === 'string' ? text.slice(0, 64) : text.subarray(0, 64).toString('latin1')).trimStart();
  return head.startsWith(`${VAULT_HEADER};`);
}

const HEX = /^[0-9a-fA-F]*$/;

function unhex(s: string, w: { file: string; line?: number | undefined }, what: string): Buffer {
  if (s.length % 2 !== 0 || !HEX.test(s))
    throw secretsError('VAULT_FORMAT', `${where(w)}: the vault ${what} is not hex`, {
      file: w.file,
      hint: 'the file was cut or edited by hand; encrypt it again with ansible-vault or tsplay secrets',
    });
  return Buffer.from(s, 'hex');
}

/** Parse a vault envelope; a malformed one is VAULT_FORMAT naming the file (never echoing the body). */
export function parseVault(text: string, w: { file: string; line?: number | undefined }): VaultEnvelope {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim());
  const parts = (lines[0] ?? '').split(';').map((p) => p.trim());
  const [magic, version, cipher, label] = parts;
  const fmt = (msg: string) =>
    secretsError('VAULT_FORMAT', `${where(w)}: ${msg}`, {
      file: w.file,
      hint: 'tsplay reads $ANSIBLE_VAULT;1.1;AES256 and $ANSIBLE_VAULT;1.2;AES256;<vault-id>',
    });
  if (magic !== VAULT_HEADER) throw fmt('not an Ansible Vault file (no $ANSIBLE_VAULT header)');
  if (version !== '1.1' && version !== '1.2') throw fmt(`vault format ${JSON.stringify(version)} is not supported`);
  if (cipher !== 'AES256') throw fmt(`vault cipher ${JSON.stringify(cipher)} is not supported`);
  if (version === '1.2' && !label) throw fmt('a 1.2 vault header names no vault id');
  const inner = unhex(lines.slice(1).join(''), w, 'body').toString('latin1').split('\n');
  if (inner.length !== 3) throw fmt('the vault body is not salt, hmac and ciphertext');
  const [salt, hmac, ciphertext] = inner.map((p, i) => unhex(p, w, ['salt', 'hmac', 'ciphertext'][i] as string)) as [
    Buffer,
    Buffer,
    Buffer,
  ];
  return { version, label: version === '1.2' ? (label as string) : 'default', salt, hmac, ciphertext };
}

function deriveKeys(password: string, salt: Buffer): { key: Buffer; hmacKey: Buffer; iv: Buffer } {
  const d = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10_000, 80, 'sha256');
  return { key: d.subarray(0, 32), hmacKey: d.subarray(32, 64), iv: d.subarray(64, 80) };
}

/** The plaintext, or undefined when the password is not this file's (the HMAC does not match). */
export function openVault(env: VaultEnvelope, password: string): Buffer | undefined {
  const { key, hmacKey, iv } = deriveKeys(password, env.salt);
  const mac = createHmac('sha256', hmacKey).update(env.ciphertext).digest();
  if (mac.length !== env.hmac.length || !timingSafeEqual(mac, env.hmac)) return undefined;
  const decipher = createCipheriv('aes-256-ctr', key, iv);
  const padded = Buffer.concat([decipher.update(env.ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  // Ansible unpads PKCS#7 (1..16); a right HMAC with a bad pad cannot happen unless the writer was broken.
  return pad >= 1 && pad <= 16 && pad <= padded.length ? padded.subarray(0, padded.length - pad) : padded;
}

/** Encrypt as `ansible-vault encrypt` does: 1.1 for the default id, 1.2 with the id otherwise. */
export function sealVault(plaintext: string | Buffer, password: string, label = 'default'): string {
  const salt = randomBytes(32);
  const { key, hmacKey, iv } = deriveKeys(password, salt);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const pad = 16 - (data.length % 16);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), cipher.final()]);
  const mac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  const body = Buffer.from([salt, mac, ciphertext].map((b) => b.toString('hex')).join('\n'), 'latin1').toString('hex');
  const header = label === 'default' ? `${VAULT_HEADER};1.1;AES256` : `${VAULT_HEADER};1.2;AES256;${label}`;
  return `${header}\n${(body.match(/.{1,80}/g) ?? []).join('\n')}\n`;
}

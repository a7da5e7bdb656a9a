import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { secret, type Secret } from '@tsplay/core';
import { armor, Decrypter, Encrypter, identityToRecipient } from 'age-encryption';
import { secretsError, where } from './errors.js';
import type { SecretKeys } from './keys.js';

const MAGIC = 'age-encryption.org/v1\n';
const ARMOR = '-----BEGIN AGE ENCRYPTED FILE-----';

/** True for a binary age file or an ASCII-armored one. */
export function isAge(data: string | Buffer): boolean {
  const head = typeof data === 'string' ? data.slice(0, 64) : data.subarray(0, 64).toString('latin1');
  return head.startsWith(MAGIC) || head.trimStart().startsWith(ARMOR);
}

/** The identities (`AGE-SECRET-KEY-1...`) of an identities file as `age-keygen` writes it (# comments). */
export async function readIdentities(path: string): Promise<Secret<string>[]> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw secretsError('AGE_KEY_INVALID', `age identities file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be read'}`, {
      file,
      field: '--identity',
      hint: 'give the file age-keygen wrote (TSPLAY_AGE_IDENTITY or -i FILE)',
    });
  }
  const out: Secret<string>[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('AGE-SECRET-KEY-'))
      throw secretsError('AGE_KEY_INVALID', `${file}:${i + 1}: not an age identity (AGE-SECRET-KEY-1...)`, {
        file,
        hint: 'tsplay reads native age identities; ssh keys and plugins are not supported',
      });
    out.push(secret(line));
  }
  if (out.length === 0)
    throw secretsError('AGE_KEY_INVALID', `${file}: holds no age identity`, { file, hint: 'create one with age-keygen -o FILE' });
  return out;
}

/** Recipients (`age1...`) of `-r` values and `-R` files (one a line, # comments). */
export async function readRecipients(rs: readonly string[], files: readonly string[]): Promise<string[]> {
  const out = [...rs];
  for (const f of files) {
    const text = await readFile(resolve(f), 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw secretsError('AGE_KEY_INVALID', `recipients file ${resolve(f)}: ${e.code ?? 'cannot be read'}`, {
        file: resolve(f),
        field: '-R',
      });
    });
    out.push(
      ...text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
  }
  // The bad value is not echoed: a secret key given by mistake as a recipient must not be printed.
  for (const [i, r] of out.entries())
    if (!/^age1[02-9ac-hj-np-z]+$/.test(r))
      throw secretsError('AGE_KEY_INVALID', `recipient ${i + 1} is not an age recipient (age1...)`, {
        field: '-r',
        hint: 'age-keygen -y IDENTITY_FILE prints the recipient of an identity',
      });
  return out;
}

/** The recipients of identities (used to re-encrypt an edited file to the keys that opened it). */
export async function recipientsOf(ids: readonly Secret<string>[]): Promise<string[]> {
  return Promise.all(ids.map((i) => identityToRecipient(i.reveal())));
}

export interface AgeEncryptOptions {
  recipients?: readonly string[] | undefined;
  passphrase?: Secret<string> | undefined;
  armor?: boolean | undefined;
  /** scrypt log2(N) for passphrases; age's default is 18. */
  scryptWorkFactor?: number | undefined;
}

/** Encrypt to X25519 recipients, or with a passphrase (scrypt); armored text or binary bytes. */
export async function ageEncrypt(plaintext: string | Buffer, o: AgeEncryptOptions): Promise<Buffer> {
  const e = new Encrypter();
  if (o.passphrase) {
    if (o.recipients?.length)
      throw secretsError('SECRETS_NO_RECIPIENT', 'age encrypts either to recipients or with a passphrase, not both', {
        field: '--passphrase',
      });
    e.setPassphrase(o.passphrase.reveal());
    if (o.scryptWorkFactor !== undefined) e.setScryptWorkFactor(o.scryptWorkFactor);
  } else {
    if (!o.recipients?.length)
      throw secretsError('SECRETS_NO_RECIPIENT', 'no age recipient to encrypt to', {
        field: '-r',
        hint: 'give -r age1..., -R FILE or --passphrase',
      });
    for (const r of o.recipients) e.addRecipient(r);
  }
  const out = await e.encrypt(typeof plaintext === 'string' ? plaintext : new Uint8Array(plaintext));
  return o.armor ? Buffer.from(armor.encode(out), 'utf8') : Buffer.from(out);
}

/** How an age file was opened: by identities or by a passphrase (kept to re-encrypt after an edit). */
export interface AgeOpened {
  plaintext: Secret<Buffer>;
  armored: boolean;
  passphrase?: Secret<string> | undefined;
  /** How many recipients the file was encrypted to (its header's stanzas, grease left out). */
  recipients: number;
}

/** The stanza types of an age header (`X25519`, `scrypt`, ...), read up to its `---` MAC line. */
function stanzaTypes(raw: Uint8Array): string[] {
  const head = Buffer.from(raw.subarray(0, 1 << 16)).toString('latin1');
  const end = head.indexOf('\n---');
  return (end < 0 ? head : head.slice(0, end))
    .split('\n')
    .filter((l) => l.startsWith('-> '))
    .map((l) => l.slice(3).split(' ')[0] ?? '');
}

/** Decrypt an age file with the identities (or, for a passphrase file, the passphrase) of the keys. */
export async function ageOpen(data: string | Buffer, keys: SecretKeys, w: { file: string; line?: number }): Promise<AgeOpened> {
  const text = typeof data === 'string' ? data : undefined;
  const armored = (text ?? (data as Buffer).subarray(0, 64).toString('latin1')).trimStart().startsWith(ARMOR);
  let raw: Uint8Array;
  try {
    raw = armored
      ? armor.decode(text ?? (data as Buffer).toString('latin1'))
      : new Uint8Array(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  } catch {
    throw secretsError('AGE_DECRYPT_FAILED', `${where(w)}: the age armor is malformed`, {
      file: w.file,
      hint: 'the file was cut or edited by hand',
    });
  }
  const d = new Decrypter();
  let passphrase: Secret<string> | undefined;
  const types = stanzaTypes(raw);
  if (types.includes('scrypt')) {
    if (!keys.agePassphrase)
      throw secretsError('AGE_NO_IDENTITY', `${where(w)} is encrypted with an age passphrase, and none can be asked for`, {
        file: w.file,
        hint: 'run on a terminal, or re-encrypt the file to an X25519 recipient',
      });
    passphrase = await keys.agePassphrase();
    d.addPassphrase(passphrase.reveal());
  } else {
    const ids = await keys.ageIdentities();
    if (ids.length === 0)
      throw secretsError('AGE_NO_IDENTITY', `${where(w)} is age-encrypted, and no age identity is given`, {
        file: w.file,
        hint: 'set TSPLAY_AGE_IDENTITY=~/.config/tsplay/age.key, or pass --age-identity FILE (-i FILE to tsplay secrets)',
      });
    for (const id of ids) d.addIdentity(id.reveal());
  }
  try {
    const recipients = types.filter((t) => t !== 'scrypt' && !t.endsWith('-grease')).length;
    return { plaintext: secret(Buffer.from(await d.decrypt(raw))), armored, passphrase, recipients };
  } catch {
    throw secretsError(
      'AGE_DECRYPT_FAILED',
      `${where(w)}: ${passphrase ? 'the passphrase does not decrypt it' : 'no age identity given decrypts it'}`,
      {
        file: w.file,
        hint: passphrase
          ? 'check the passphrase'
          : 'the file was encrypted to another recipient; check TSPLAY_AGE_IDENTITY / --age-identity',
      },
    );
  }
}

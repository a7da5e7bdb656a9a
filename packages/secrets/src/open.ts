import { type Secret, secret } from '@tsplay/core';
import { ageOpen, isAge } from './age.js';
import { secretsError, where } from './errors.js';
import type { SecretKeys, VaultPassword } from './keys.js';
import { isVault, openVault, parseVault } from './vault.js';

export interface Where {
  file: string;
  /** The line of an inline `!vault` value. */
  line?: number | undefined;
}

/** A vault opened: the plaintext and the password (with its id) that opened it. */
export interface VaultOpened {
  plaintext: Secret<Buffer>;
  label: string;
  password: VaultPassword;
}

/**
 * Decrypt a vault text with the keys' passwords, as Ansible tries them: those whose vault id is
 * the file's first, then every other. No password, or none that fits: VAULT_DECRYPT_FAILED.
 */
export async function vaultOpen(text: string, keys: SecretKeys, w: Where): Promise<VaultOpened> {
  const env = parseVault(text, w);
  if (keys.vault.length === 0)
    throw secretsError(
      'VAULT_DECRYPT_FAILED',
      `${where(w)} is vault-encrypted${env.version === '1.2' ? ` (vault id ${env.label})` : ''}, and no vault password is given`,
      { file: w.file, hint: 'give --ask-vault-pass, --vault-password-file FILE or --vault-id label@FILE' },
    );
  const ordered = [...keys.vault.filter((k) => k.label === env.label), ...keys.vault.filter((k) => k.label !== env.label)];
  for (const k of ordered) {
    const plain = openVault(env, (await k.get()).reveal());
    if (plain) return { plaintext: secret(plain), label: env.label, password: k };
  }
  const tried = ordered.map((k) => `${k.label}@${k.source}`).join(', ');
  throw secretsError(
    'VAULT_DECRYPT_FAILED',
    `${where(w)}: no vault password given decrypts it${env.version === '1.2' ? ` (vault id ${env.label})` : ''}; tried ${tried}`,
    { file: w.file, hint: 'a wrong password, or the file was encrypted with another vault id' },
  );
}

export type Encryption = 'vault' | 'age';

/** Which encryption a file's content uses, by its header; undefined for a plain file. */
export function encryptionOf(data: string | Buffer): Encryption | undefined {
  return isVault(data) ? 'vault' : isAge(data) ? 'age' : undefined;
}

/**
 * Decrypt a whole file (a vars file, a `copy` source) if it is vault- or age-encrypted, on the
 * workstation. Plain bytes come back as they are; decrypted ones as a Secret.
 */
export async function decryptFile(
  path: string,
  data: Buffer,
  keys: SecretKeys,
): Promise<{ encryption: undefined; bytes: Buffer } | { encryption: Encryption; bytes: Secret<Buffer> }> {
  const enc = encryptionOf(data);
  if (enc === 'vault') return { encryption: enc, bytes: (await vaultOpen(data.toString('latin1'), keys, { file: path })).plaintext };
  if (enc === 'age') return { encryption: enc, bytes: (await ageOpen(data, keys, { file: path })).plaintext };
  return { encryption: undefined, bytes: data };
}

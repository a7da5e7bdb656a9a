import { TsplayError, type ErrorDetails } from '@tsplay/core';

/**
 * The codes @tsplay/secrets raises. No message of these errors ever holds ciphertext, plaintext
 * or a password: they name the file (and the line of an inline `!vault` value) and the key tried.
 */
export type SecretsErrorCode =
  /** No vault password given, or none of them decrypts the file (HMAC mismatch). */
  | 'VAULT_DECRYPT_FAILED'
  /** Not an Ansible Vault envelope this reader knows (version, cipher, hex body). */
  | 'VAULT_FORMAT'
  /** A `--vault-password-file`/`--vault-id` source cannot be read, run or prompted. */
  | 'VAULT_PASSWORD_SOURCE'
  /** No identity or passphrase given decrypts the age file, or the file is corrupt. */
  | 'AGE_DECRYPT_FAILED'
  /** An age file, and no identity (TSPLAY_AGE_IDENTITY, -i) nor passphrase to try. */
  | 'AGE_NO_IDENTITY'
  /** An identities file or recipient that is not an age X25519 key. */
  | 'AGE_KEY_INVALID'
  /** Asked to encrypt with no recipient, passphrase or vault password. */
  | 'SECRETS_NO_RECIPIENT';

export function secretsError(code: SecretsErrorCode, message: string, details: ErrorDetails = {}): TsplayError {
  return new TsplayError(code, message, details);
}

/** `file:line` (or the file alone) as shown in messages. */
export const where = (w: { file: string; line?: number | undefined }): string => (w.line === undefined ? w.file : `${w.file}:${w.line}`);

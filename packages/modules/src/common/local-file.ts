import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Secret, TsplayError } from '@tsplay/core';
import { encryptedAs, localFileOpener, registerSecret, type FactQuery } from '@tsplay/core/module';
import { defineFact } from '../kit/facts.js';

/**
 * A file on the workstation, read when the task's facts are built (the workstation side of
 * fact gathering), so `plan` stays pure and sees its hash like any other fact. The bytes are
 * wrapped in a `Secret` so they never end up in JSON output of the plan. A vault- or age-encrypted
 * file is decrypted here, on the workstation, with the run's keys (core's `localFileOpener`).
 */
export interface LocalFile {
  path: string;
  sha256: string;
  size: number;
  bytes: Secret<Buffer>;
  /** The file on the workstation is vault- or age-encrypted: `bytes` are its plaintext, and secret. */
  encrypted?: 'vault' | 'age' | undefined;
}

/** An encrypted file's plaintext, opened with the run's keys (the opener the CLI installs). */
function decrypted(path: string, buf: Buffer, enc: 'vault' | 'age', field: string): Buffer {
  const open = localFileOpener();
  if (!open)
    throw new TsplayError(
      'ARGS_INVALID',
      `local file ${path} is ${enc === 'vault' ? 'Ansible Vault' : 'age'}-encrypted, and no key is given to decrypt it`,
      {
        field,
        hint:
          enc === 'vault'
            ? 'give --vault-password-file FILE, --vault-id label@FILE or --ask-vault-pass'
            : 'give --age-identity FILE or set TSPLAY_AGE_IDENTITY',
      },
    );
  const plain = open(path, buf);
  if (!plain) throw new TsplayError('INTERNAL', `local file ${path} looks ${enc}-encrypted, and the opener did not decrypt it`, { field });
  return plain;
}

export function readLocalFile(src: string, baseDir: string, opts: { secret: boolean; field: string }): LocalFile {
  const path = isAbsolute(src) ? src : resolve(baseDir, src);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TsplayError('ARGS_INVALID', `cannot read local file ${path}: ${code ?? (e as Error).message}`, {
      field: opts.field,
      hint: `relative paths resolve against ${baseDir} (the playbook's directory)`,
      cause: e,
    });
  }
  const enc = encryptedAs(buf);
  if (enc) buf = decrypted(path, buf, enc, opts.field);
  if (opts.secret || enc) registerSecret(buf.toString('utf8'));
  return {
    path,
    sha256: createHash('sha256').update(buf).digest('hex'),
    size: buf.length,
    bytes: new Secret(buf),
    ...(enc ? { encrypted: enc } : {}),
  };
}

/** A fact answered on the workstation: the host only runs `:` in the batch. */
export const localFileFact: (file: LocalFile) => FactQuery<LocalFile> = defineFact({
  module: 'kit',
  name: 'localFile',
  script: (_file: LocalFile) => ':',
  id: (file) => [file.path, file.sha256],
  // reads no host path: no change on the host makes the answer stale
  statOf: () => [],
  parse: (_r, file) => file,
});

import { secret } from '@tsplay/core';
import { readIdentities } from './age.js';
import { vaultPasswords, type SecretKeys, type VaultOptions } from './keys.js';
import { promptHidden, type PromptIO } from './prompt.js';

export interface KeyOptions extends VaultOptions {
  /** `--age-identity FILE` (repeatable); else TSPLAY_AGE_IDENTITY. */
  ageIdentityFiles?: readonly string[] | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** The terminal for prompts (default stdin/stderr). */
  io?: PromptIO | undefined;
}

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

/**
 * The keys of a run from its flags: vault passwords (`--vault-id`, `--vault-password-file`,
 * `--ask-vault-pass`), age identities (`--age-identity`, else the file named by
 * TSPLAY_AGE_IDENTITY) and, on a terminal, an age passphrase prompt. Nothing is read or asked
 * until a file needs it, and each source at most once per run.
 */
export function secretKeys(o: KeyOptions = {}): SecretKeys {
  const env = o.env ?? process.env;
  const files = o.ageIdentityFiles?.length ? o.ageIdentityFiles : env.TSPLAY_AGE_IDENTITY ? [env.TSPLAY_AGE_IDENTITY] : [];
  const io = o.io ?? { input: process.stdin, output: process.stderr };
  return {
    vault: vaultPasswords(o, io),
    ageIdentities: once(async () => (await Promise.all(files.map(readIdentities))).flat()),
    agePassphrase: io.input.isTTY ? once(async () => secret(await promptHidden('age passphrase: ', io))) : undefined,
  };
}

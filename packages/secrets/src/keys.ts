import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { promisify } from 'node:util';
import { secret, type Secret } from '@tsplay/core';
import { secretsError } from './errors.js';
import { promptHidden, type PromptIO } from './prompt.js';

/** One vault password: its vault id and a getter that reads (or prompts) once, then remembers the Secret. */
export interface VaultPassword {
  label: string;
  /** Where it comes from, for messages: `prompt`, a file path (never the password). */
  source: string;
  get(): Promise<Secret<string>>;
}

/** Everything that can open a secret: vault passwords and age identities/passphrases. */
export interface SecretKeys {
  vault: readonly VaultPassword[];
  /** age X25519 identities (`AGE-SECRET-KEY-1...`), read lazily from identities files. */
  ageIdentities(): Promise<Secret<string>[]>;
  /** A passphrase for scrypt-encrypted age files (prompted once); undefined: none can be had. */
  agePassphrase?: (() => Promise<Secret<string>>) | undefined;
}

export const noKeys: SecretKeys = { vault: [], ageIdentities: async () => [] };

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

const exec = promisify(execFile);

/** Ansible's rule: a `*-client` script is told which vault id it is asked for. */
const isClientScript = (path: string) => /-client(\.[^.]*)?$/.test(basename(path));

/**
 * A password from a file, as Ansible reads it: an executable file is run (no shell, no argument
 * but `--vault-id LABEL` for a `*-client` script) and its stdout is the password; any other file is
 * read.
 */
export async function readPasswordFile(path: string, label: string): Promise<Secret<string>> {
  const file = resolve(path);
  const fail = (why: string, cause?: unknown) =>
    secretsError('VAULT_PASSWORD_SOURCE', `vault password file ${file}: ${why}`, {
      file,
      field: '--vault-password-file',
      cause,
      hint: 'give a readable file holding the password, or an executable that prints it',
    });
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (e) {
    throw fail((e as NodeJS.ErrnoException).code ?? 'cannot be read', e);
  }
  let text: string;
  try {
    if (mode & 0o111)
      text = (await exec(file, isClientScript(file) ? ['--vault-id', label] : [], { maxBuffer: 1 << 20, timeout: 60_000 })).stdout;
    else text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw fail(mode & 0o111 ? `the script failed${typeof code === 'number' ? ` (exit ${code})` : ''}` : 'cannot be read');
  }
  // As Ansible: a file's content is stripped of surrounding whitespace, a script's stdout only of CR/LF.
  const pw = mode & 0o111 ? text.replace(/^[\r\n]+|[\r\n]+$/g, '') : text.trim();
  if (pw === '') throw fail('it is empty');
  return secret(pw);
}

export interface VaultOptions {
  /** `--vault-id label@source` (source: a file, or `prompt`); `source` alone means `default@source`. */
  vaultIds?: readonly string[] | undefined;
  /** `--vault-password-file FILE`: `default@FILE`. */
  vaultPasswordFiles?: readonly string[] | undefined;
  /** `--ask-vault-pass`: `default@prompt`. */
  askVaultPass?: boolean | undefined;
}

/** `label@source` -> { label, source }; a bare source is the `default` id (as Ansible reads it). */
export function parseVaultId(spec: string): { label: string; source: string } {
  const at = spec.indexOf('@');
  const [label, source] = at < 0 ? ['default', spec] : [spec.slice(0, at), spec.slice(at + 1)];
  if (label === '' || source === '' || /[;\s]/.test(label))
    throw secretsError('VAULT_PASSWORD_SOURCE', `--vault-id ${JSON.stringify(spec)} is not label@source`, {
      field: '--vault-id',
      hint: 'e.g. --vault-id prod@~/.vault-prod, --vault-id dev@prompt, or a bare file for the default id',
    });
  return { label, source };
}

/** The vault passwords of the command-line options; each prompt or file is read at most once. */
export function vaultPasswords(o: VaultOptions, io?: PromptIO): VaultPassword[] {
  const specs = [...(o.vaultIds ?? []).map(parseVaultId), ...(o.vaultPasswordFiles ?? []).map((source) => ({ label: 'default', source }))];
  if (o.askVaultPass) specs.push({ label: 'default', source: 'prompt' });
  return specs.map(({ label, source }) => ({
    label,
    source,
    get: once(async () =>
      source === 'prompt'
        ? secret(await promptHidden(label === 'default' ? 'Vault password: ' : `Vault password (${label}): `, io))
        : readPasswordFile(source, label),
    ),
  }));
}

import type { SecretKeys } from '@tsplay/secrets';
import type { Argv } from 'yargs';
import { RUN_OPTIONS } from './run-options.js';

/**
 * The keys of `run`/`check`/`exec`/`inventory` (--vault-id, --vault-password-file,
 * --ask-vault-pass, --age-identity) and what a run decrypts with them: `-e @file`, inventory
 * group_vars/host_vars (`loadInventory`'s hook) and `copy` sources (core's local file opener).
 */

/** The key flags of `run`/`check` (--vault-id, --vault-password-file, --ask-vault-pass, --age-identity). */
export interface SecretFlags {
  vaultIds?: string[] | undefined;
  vaultPasswordFiles?: string[] | undefined;
  askVaultPass?: boolean | undefined;
  ageIdentityFiles?: string[] | undefined;
}

const KEY_OPTIONS = ['vault-id', 'vault-password-file', 'ask-vault-pass', 'age-identity'];

/** The key flags of `run` (same names, same help), for `inventory` and `exec`. */
export function withKeyOptions(y: Argv): Argv {
  let out = y;
  for (const o of RUN_OPTIONS.filter((x) => KEY_OPTIONS.includes(x.name)))
    out = out.option(o.name, { type: o.type, describe: o.describe, ...(o.array ? { array: true } : {}) });
  return out;
}

/** The key flags from yargs' argv. */
export function secretFlagsFrom(v: Record<string, unknown>): SecretFlags {
  const l = (x: unknown) => (Array.isArray(x) ? x.map(String) : typeof x === 'string' ? [x] : undefined);
  return {
    vaultIds: l(v['vault-id']),
    vaultPasswordFiles: l(v['vault-password-file']),
    askVaultPass: v['ask-vault-pass'] === true,
    ageIdentityFiles: l(v['age-identity']),
  };
}

const runKeys = new WeakMap<SecretFlags, SecretKeys>();

/**
 * The keys of one run, built once per flags object: every vars file of the run (-e @file, and
 * group_vars/host_vars, copy sources) shares them, so each password is asked once.
 */
export async function runSecretKeys(flags: SecretFlags): Promise<SecretKeys> {
  let k = runKeys.get(flags);
  if (!k)
    runKeys.set(
      flags,
      (k = (await import('@tsplay/secrets')).secretKeys({ ...flags, io: { input: process.stdin, output: process.stderr } })),
    );
  return k;
}

/** `-e @file` holding vault/age content: its vars, with what was encrypted as Secrets. */
export async function secretVarsFile(file: string, bytes: Buffer, flags: SecretFlags): Promise<unknown> {
  const s = await import('@tsplay/secrets');
  return (await s.decryptVarsFile(file, bytes, await runSecretKeys(flags))).vars;
}

/** Whether the flags (or TSPLAY_AGE_IDENTITY) give any key: without one, encrypted inventory vars stay a coded error. */
export function hasSecretKeys(flags: SecretFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    flags.vaultIds?.length ||
      flags.vaultPasswordFiles?.length ||
      flags.askVaultPass ||
      flags.ageIdentityFiles?.length ||
      env.TSPLAY_AGE_IDENTITY,
  );
}

/**
 * `loadInventory`'s `decryptVars` hook: an encrypted group_vars/host_vars file (or one with
 * `!vault` values) decrypted with the run's keys, parsed with the inventory's YAML 1.1 rules;
 * undefined when no key is given.
 */
export function inventoryDecryptor(
  flags: SecretFlags,
  env: NodeJS.ProcessEnv = process.env,
): ((file: string, bytes: Buffer) => Promise<unknown>) | undefined {
  if (!hasSecretKeys(flags, env)) return undefined;
  return async (file, bytes) => {
    const [s, { YAML11_OPTIONS }] = await Promise.all([import('@tsplay/secrets'), import('@tsplay/core/engine')]);
    return (await s.decryptVarsFile(file, bytes, await runSecretKeys(flags), YAML11_OPTIONS)).vars;
  };
}

/**
 * For the duration of `f`, encrypted `copy` sources are decrypted with the run's keys (core's
 * `setLocalFileOpener`); without any key, nothing is installed (such a source fails naming the flags).
 */
export async function withLocalFileOpener<T>(flags: SecretFlags, f: () => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (!hasSecretKeys(flags, env)) return f();
  const [{ workerOpener }, { setLocalFileOpener }] = await Promise.all([import('./secrets-opener.js'), import('@tsplay/core/module')]);
  const opener = await workerOpener(await runSecretKeys(flags), import.meta.resolve('@tsplay/secrets'));
  setLocalFileOpener(opener.open);
  try {
    return await f();
  } finally {
    setLocalFileOpener(undefined);
    await opener.close();
  }
}

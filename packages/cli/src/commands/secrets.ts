import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { secret, TsplayError, type Secret } from '@tsplay/core';
import type { PromptIO, SecretKeys } from '@tsplay/secrets';
import type { Argv, CommandModule } from 'yargs';

type Secrets = typeof import('@tsplay/secrets');

/** `tsplay secrets encrypt|decrypt|edit FILE`, as data (yargs' argv, or a test). */
export interface SecretsArgs {
  action: 'encrypt' | 'decrypt' | 'edit';
  file: string;
  /** Where to write; default: the file itself (as ansible-vault does); `-`: stdout. */
  output?: string | undefined;
  recipients?: string[] | undefined;
  recipientsFiles?: string[] | undefined;
  passphrase?: boolean | undefined;
  armor?: boolean | undefined;
  identities?: string[] | undefined;
  /** Encrypt as Ansible Vault (with the first --vault-id / --vault-password-file / --ask-vault-pass). */
  vault?: boolean | undefined;
  vaultIds?: string[] | undefined;
  vaultPasswordFiles?: string[] | undefined;
  askVaultPass?: boolean | undefined;
}

export interface SecretsDeps {
  env: NodeJS.ProcessEnv;
  io: PromptIO;
  stdout: (b: Buffer) => void;
  /** Run the editor on a file and wait (default: $VISUAL or $EDITOR, else vi, on the terminal). */
  edit: (file: string) => void;
}

function runEditor(env: NodeJS.ProcessEnv): (file: string) => void {
  return (file) => {
    const [cmd = 'vi', ...args] = (env.VISUAL || env.EDITOR || 'vi').trim().split(/\s+/);
    const r = spawnSync(cmd, [...args, file], { stdio: 'inherit' });
    if (r.error || r.status !== 0)
      throw new TsplayError(
        'USAGE',
        `the editor ${cmd} ${r.error ? 'could not be started' : `exited with ${r.status ?? r.signal}`}; the file is unchanged`,
        { field: 'EDITOR', hint: 'set EDITOR to an editor that waits until you close the file (e.g. vi, nano, "code -w")' },
      );
  };
}

function withDefaults(deps: Partial<SecretsDeps>): SecretsDeps {
  const env = deps.env ?? process.env;
  return {
    env,
    io: { input: process.stdin, output: process.stderr },
    stdout: (b) => process.stdout.write(b),
    edit: runEditor(env),
    ...deps,
  };
}

/** Write next to the target (mode 0600), fsync, rename: a reader sees the old or the new file, never half. */
function writeAtomic(file: string, data: Buffer): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, data, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

const keysOf = (s: Secrets, a: SecretsArgs, d: SecretsDeps): SecretKeys =>
  s.secretKeys({
    vaultIds: a.vaultIds,
    vaultPasswordFiles: a.vaultPasswordFiles,
    askVaultPass: a.askVaultPass,
    ageIdentityFiles: a.identities,
    env: d.env,
    io: d.io,
  });

export {
  hasSecretKeys,
  inventoryDecryptor,
  runSecretKeys,
  secretFlagsFrom,
  secretVarsFile,
  withKeyOptions,
  withLocalFileOpener,
  type SecretFlags,
} from './run-secrets.js';

/** How a file was (or is to be) encrypted: enough to encrypt it again the same way. */
type Scheme =
  | { kind: 'vault'; label: string; password: Secret<string> }
  | { kind: 'age'; recipients: string[]; passphrase?: Secret<string> | undefined; armor: boolean };

async function askPassphrase(s: Secrets, d: SecretsDeps): Promise<Secret<string>> {
  const p = await s.promptHidden('age passphrase: ', d.io);
  if (p === '' || (await s.promptHidden('age passphrase (again): ', d.io)) !== p)
    throw new TsplayError('USAGE', 'the passphrases are empty or differ', { field: '--passphrase' });
  return secret(p);
}

/** The scheme of `encrypt` from the flags: vault with a password, or age to recipients / a passphrase / the identities' own recipients. */
async function schemeFromFlags(s: Secrets, a: SecretsArgs, d: SecretsDeps, keys: SecretKeys): Promise<Scheme> {
  if (a.vault) {
    const k = keys.vault[0];
    if (!k)
      throw new TsplayError('SECRETS_NO_RECIPIENT', '--vault needs a vault password', {
        field: '--vault',
        hint: 'add --vault-id label@FILE, --vault-password-file FILE or --ask-vault-pass',
      });
    return { kind: 'vault', label: k.label, password: await k.get() };
  }
  if (a.passphrase) return { kind: 'age', recipients: [], passphrase: await askPassphrase(s, d), armor: a.armor === true };
  let recipients = await s.readRecipients(a.recipients ?? [], a.recipientsFiles ?? []);
  if (recipients.length === 0) recipients = await s.recipientsOf(await keys.ageIdentities());
  if (recipients.length === 0)
    throw new TsplayError('SECRETS_NO_RECIPIENT', `nothing to encrypt ${a.file} to`, {
      field: '-r',
      hint: 'give -r age1..., -R FILE, --passphrase, or --vault with a vault password (TSPLAY_AGE_IDENTITY also encrypts to its own key)',
    });
  return { kind: 'age', recipients, armor: a.armor === true };
}

async function seal(s: Secrets, plain: Buffer, scheme: Scheme): Promise<Buffer> {
  if (scheme.kind === 'vault') return Buffer.from(s.sealVault(plain, scheme.password.reveal(), scheme.label), 'utf8');
  return s.ageEncrypt(plain, { recipients: scheme.recipients, passphrase: scheme.passphrase, armor: scheme.armor });
}

/** Open an encrypted file: its plaintext and the scheme to seal an edit with (the flags' recipients win for age). */
async function open(
  s: Secrets,
  a: SecretsArgs,
  keys: SecretKeys,
  file: string,
  data: Buffer,
  forEdit = false,
): Promise<{ plain: Secret<Buffer>; scheme: Scheme }> {
  const enc = s.encryptionOf(data);
  if (enc === 'vault') {
    const o = await s.vaultOpen(data.toString('latin1'), keys, { file });
    return { plain: o.plaintext, scheme: { kind: 'vault', label: o.label, password: await o.password.get() } };
  }
  if (enc === 'age') {
    const o = await s.ageOpen(data, keys, { file });
    const given = await s.readRecipients(a.recipients ?? [], a.recipientsFiles ?? []);
    // age files do not name their recipients: without -r/-R, only a file for one recipient (the
    // identity that just opened it) can be sealed again without dropping someone's access.
    if (forEdit && !o.passphrase && given.length === 0 && o.recipients > 1)
      throw new TsplayError(
        'SECRETS_NO_RECIPIENT',
        `${file} is encrypted to ${o.recipients} age recipients, and age files do not record which`,
        { file, field: '-R', hint: 'give every recipient again with -R FILE (or -r age1...), so no one loses access' },
      );
    const recipients = o.passphrase ? [] : given.length > 0 ? given : await s.recipientsOf(await keys.ageIdentities());
    return { plain: o.plaintext, scheme: { kind: 'age', recipients, passphrase: o.passphrase, armor: o.armored } };
  }
  throw new TsplayError('USAGE', `${file} is not encrypted (no $ANSIBLE_VAULT or age header)`, {
    file,
    hint: `encrypt it first: tsplay secrets encrypt ${a.file}`,
  });
}

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new TsplayError('USAGE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { file });
  }
}

/** `edit`: decrypt into a 0600 file in a 0700 temp dir, run the editor, encrypt again the same way, remove the temp. */
async function editFile(s: Secrets, a: SecretsArgs, d: SecretsDeps, keys: SecretKeys, file: string): Promise<void> {
  const { plain, scheme } = await open(s, a, keys, file, readInput(file), true);
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-edit-'));
  try {
    const tmp = join(dir, basename(file).replace(/\.age$/, ''));
    writeFileSync(tmp, plain.reveal(), { mode: 0o600 });
    d.edit(tmp);
    const edited = readFileSync(tmp);
    if (!edited.equals(plain.reveal())) writeAtomic(file, await seal(s, edited, scheme));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run `tsplay secrets ACTION FILE`. */
export async function secretsCommand(a: SecretsArgs, deps: Partial<SecretsDeps> = {}): Promise<void> {
  const d = withDefaults(deps);
  const s = await import('@tsplay/secrets');
  const file = resolve(a.file);
  const keys = keysOf(s, a, d);
  if (a.action === 'edit') return editFile(s, a, d, keys, file);
  const data = readInput(file);
  let out: Buffer;
  if (a.action === 'encrypt') {
    if (s.encryptionOf(data))
      throw new TsplayError('USAGE', `${file} is already encrypted`, { file, hint: 'use tsplay secrets edit to change it' });
    out = await seal(s, data, await schemeFromFlags(s, a, d, keys));
  } else {
    out = (await open(s, a, keys, file, data)).plain.reveal();
  }
  if (a.output === '-') d.stdout(out);
  else writeAtomic(a.output ? resolve(a.output) : file, out);
}

const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : undefined);

export const secretsCommandModule: CommandModule = {
  command: 'secrets <action> <file>',
  describe: 'encrypt, decrypt or edit a file with age or Ansible Vault (in place; -o - prints)',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['encrypt', 'decrypt', 'edit'] as const, describe: 'what to do' })
      .positional('file', { type: 'string', describe: 'the file' })
      .option('recipient', { alias: 'r', type: 'string', array: true, describe: 'age recipient (age1...)' })
      .option('recipients-file', { alias: 'R', type: 'string', array: true, describe: 'file of age recipients, one a line' })
      .option('passphrase', { alias: 'p', type: 'boolean', describe: 'age: encrypt with a passphrase (asked on the terminal)' })
      .option('armor', { alias: 'a', type: 'boolean', describe: 'age: ASCII-armored output' })
      .option('identity', {
        alias: ['i', 'age-identity'],
        type: 'string',
        array: true,
        describe: 'age identities file (default: TSPLAY_AGE_IDENTITY)',
      })
      .option('output', { alias: 'o', type: 'string', describe: 'write here instead of in place (- for stdout)' })
      .option('vault', { type: 'boolean', describe: 'encrypt as Ansible Vault (1.1, or 1.2 with a --vault-id label)' })
      .option('vault-id', { type: 'string', array: true, describe: 'label@source (a file, or prompt)' })
      .option('vault-password-file', { type: 'string', array: true, describe: 'vault password file (an executable prints it)' })
      .option('ask-vault-pass', { type: 'boolean', describe: 'ask for the vault password' }),
  handler: async (v: Record<string, unknown>) => {
    await secretsCommand({
      action: v.action as SecretsArgs['action'],
      file: String(v.file),
      output: typeof v.output === 'string' ? v.output : undefined,
      recipients: list(v.recipient),
      recipientsFiles: list(v['recipients-file']),
      passphrase: v.passphrase === true,
      armor: v.armor === true,
      identities: list(v.identity),
      vault: v.vault === true,
      vaultIds: list(v['vault-id']),
      vaultPasswordFiles: list(v['vault-password-file']),
      askVaultPass: v['ask-vault-pass'] === true,
    });
  },
};

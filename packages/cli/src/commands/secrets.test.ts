import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ownCore as core } from '../engine.js';
import { TsplayError, isSecret } from '@tsplay/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunFast } from '../fast.js';
import { extraVarsFrom } from '../run-helpers.js';
import { secretsCommand } from './secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-secrets-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = (f: string) => join(import.meta.dirname, '../../../secrets/src/fixtures', f);
/** The real tools are the oracles; a missing one fails (CI installs ansible-core and age). */
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const env = { TSPLAY_AGE_IDENTITY: fx('age-identity.txt') };
/** No terminal: a prompt would fail, so every key must come from a file. */
const quiet = { env, io: { input: new PassThrough(), output: new PassThrough() } };
const pw = join(dir, 'pw');
writeFileSync(pw, 'cli-pass-7\n');

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TsplayError) return e.code;
    throw e;
  }
  return 'resolved';
}

describe('tsplay secrets', () => {
  it("encrypt (age, in place, 0600) decrypts with `age -d`; to the identity's own key when no -r", async () => {
    const f = join(dir, 'a.yml');
    writeFileSync(f, 'token: abc-123\n');
    await secretsCommand({ action: 'encrypt', file: f, armor: true }, quiet);
    expect(readFileSync(f, 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(run('age', ['-d', '-i', fx('age-identity.txt'), f])).toBe('token: abc-123\n');
    expect(await code(secretsCommand({ action: 'encrypt', file: f }, quiet))).toBe('USAGE');
  });

  it('encrypt --vault --vault-id writes 1.2 that ansible-vault decrypts; decrypt -o - prints a recorded file', async () => {
    const f = join(dir, 'v.yml');
    writeFileSync(f, 'db: pass-42\n');
    await secretsCommand({ action: 'encrypt', file: f, vault: true, vaultIds: [`prod@${pw}`] }, quiet);
    expect(readFileSync(f, 'utf8').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;prod');
    expect(run('ansible-vault', ['decrypt', '--vault-id', `prod@${pw}`, '--output', '-', f])).toBe('db: pass-42\n');
    let printed = '';
    await secretsCommand(
      { action: 'decrypt', file: fx('vault-1.1.yml'), output: '-', vaultPasswordFiles: [fx('vault-pass.txt')] },
      { ...quiet, stdout: (b) => (printed += b.toString()) },
    );
    expect(printed).toBe(readFileSync(fx('plain-vars.yml'), 'utf8'));
    const before = readFileSync(f);
    expect(await code(secretsCommand({ action: 'decrypt', file: f, vaultPasswordFiles: [fx('vault-pass.txt')] }, quiet))).toBe(
      'VAULT_DECRYPT_FAILED',
    );
    expect(readFileSync(f).equals(before)).toBe(true);
  });

  it('edit: the editor sees a 0600 file in a 0700 dir, the result is re-encrypted the same way, the temp is gone', async () => {
    const log = join(dir, 'editor.log');
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, `#!/bin/sh\nd=$(dirname "$1")\nstat -c %a "$1" "$d" > ${log}\necho "$d" >> ${log}\necho 'added: yes' >> "$1"\n`);
    chmodSync(editor, 0o700);
    const f = join(dir, 'e.yml');
    writeFileSync(f, 'x: 1\n');
    await secretsCommand({ action: 'encrypt', file: f, vault: true, vaultIds: [`stage@${pw}`] }, quiet);
    await secretsCommand({ action: 'edit', file: f, vaultIds: [`stage@${pw}`] }, { ...quiet, env: { ...env, EDITOR: editor } });
    const [fileMode, dirMode, tmp] = readFileSync(log, 'utf8').trim().split('\n');
    expect([fileMode, dirMode, tmp?.startsWith(tmpdir())]).toEqual(['600', '700', true]);
    expect(existsSync(tmp as string)).toBe(false);
    expect(readFileSync(f, 'utf8').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;stage');
    expect(run('ansible-vault', ['decrypt', '--vault-id', `stage@${pw}`, '--output', '-', f])).toBe('x: 1\nadded: yes\n');
    const g = join(dir, 'g.age');
    writeFileSync(g, 'y: 2\n');
    await secretsCommand({ action: 'encrypt', file: g }, quiet);
    await secretsCommand({ action: 'edit', file: g }, { ...quiet, env: { ...env, EDITOR: editor } });
    expect(run('age', ['-d', '-i', fx('age-identity.txt'), g])).toBe('y: 2\nadded: yes\n');
  });

  it('edit of an age file for several recipients needs them all again (-R), so no one loses access', async () => {
    const other = join(dir, 'other.key');
    run('age-keygen', ['-o', other]);
    const team = join(dir, 'team.txt');
    writeFileSync(team, `${readFileSync(fx('age-recipient.txt'), 'utf8')}${run('age-keygen', ['-y', other])}`);
    const f = join(dir, 'team.yml');
    writeFileSync(f, 'z: 3\n');
    await secretsCommand({ action: 'encrypt', file: f, recipientsFiles: [team] }, quiet);
    const editor = join(dir, 'append.sh');
    writeFileSync(editor, `#!/bin/sh\necho 'more: 4' >> "$1"\n`);
    chmodSync(editor, 0o700);
    const before = readFileSync(f);
    expect(await code(secretsCommand({ action: 'edit', file: f }, { ...quiet, env: { ...env, EDITOR: editor } }))).toBe(
      'SECRETS_NO_RECIPIENT',
    );
    expect(readFileSync(f).equals(before)).toBe(true);
    await secretsCommand({ action: 'edit', file: f, recipientsFiles: [team] }, { ...quiet, env: { ...env, EDITOR: editor } });
    expect(run('age', ['-d', '-i', other, f])).toBe('z: 3\nmore: 4\n');
    let printed = '';
    await secretsCommand({ action: 'decrypt', file: f, output: '-' }, { ...quiet, stdout: (b) => (printed += b.toString()) });
    expect(printed).toBe('z: 3\nmore: 4\n');
  });
});

describe('run/check: -e @file with vault or age content', () => {
  it('the key flags parse on the fast path, and decrypt -e @file (vault, inline !vault, age) into Secrets', async () => {
    const a = parseRunFast([
      'run',
      'p.ts',
      '-i',
      'inv',
      '-e',
      `@${fx('vault-1.2-prod.yml')}`,
      '-e',
      `@${fx('inline-vault.yml')}`,
      '-e',
      `@${fx('age-vars-armored.yml.age')}`,
      '-e',
      'port=1',
      '--vault-id',
      `prod@${fx('vault-pass-prod.txt')}`,
      '--vault-password-file',
      fx('vault-pass.txt'),
      '--age-identity',
      fx('age-identity.txt'),
    ]);
    expect(a).toMatchObject({
      vaultIds: [`prod@${fx('vault-pass-prod.txt')}`],
      vaultPasswordFiles: [fx('vault-pass.txt')],
      askVaultPass: false,
      ageIdentityFiles: [fx('age-identity.txt')],
    });
    const vars = await extraVarsFrom(a?.extraVars ?? [], core, a);
    expect(Object.keys(vars).sort()).toEqual(['api_tokens', 'db_password', 'db_port', 'db_user', 'nested', 'port']);
    expect(isSecret(vars.db_password) && vars.db_password.reveal()).toBe('c0rrect-h0rse-fixture');
    expect(isSecret(vars.db_port) && vars.db_port.reveal()).toBe(5432);
    expect([vars.db_user, vars.port]).toEqual(['app', 1]);
    const nested = vars.nested as { api_key: unknown };
    expect(isSecret(nested.api_key) && nested.api_key.reveal()).toBe('inline-prod-fixture');
  });

  it('a wrong or missing key keeps its own code (not EXTRA_VAR_INVALID); a plain file needs no key', async () => {
    expect(await code(extraVarsFrom([`@${fx('vault-1.1.yml')}`], core, { vaultPasswordFiles: [fx('vault-pass-prod.txt')] }))).toBe(
      'VAULT_DECRYPT_FAILED',
    );
    expect(await code(extraVarsFrom([`@${fx('age-vars.yml.age')}`], core, {}))).toMatch(/^AGE_NO_IDENTITY$|^AGE_DECRYPT_FAILED$/);
    expect(await extraVarsFrom([`@${fx('plain-vars.yml')}`], core)).toMatchObject({ db_password: 'c0rrect-h0rse-fixture' });
  });
});

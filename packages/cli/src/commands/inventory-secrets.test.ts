import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSecret, loadInventory, reveal, type TsplayError } from '@tsplay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTs } from '../loader.js';
import { inventoryCommand } from './inventory.js';
import { inventoryDecryptor, type SecretFlags } from './secrets.js';

/** The real tools (Debian's ansible-core and age); a missing one fails loudly. */
const run = (cmd: string, args: string[], input = '') =>
  execFileSync(cmd, args, { encoding: 'utf8', input, env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });

let dir: string;
let flags: SecretFlags;
const PLAIN = { db_password: 's3cret-web', api_token: 'tok-age-123', inline_pw: 'inline-pw-9' };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-secrets-'));
  const inv = join(dir, 'inv');
  mkdirSync(join(inv, 'group_vars'), { recursive: true });
  mkdirSync(join(inv, 'host_vars'));
  writeFileSync(join(inv, 'hosts.ini'), '[web]\nweb1 ansible_host=10.0.0.1\nweb2\n');
  writeFileSync(join(dir, 'pw'), 'pw-one\n');
  writeFileSync(join(dir, 'wrong'), 'pw-two\n');
  writeFileSync(join(inv, 'group_vars', 'web.yml'), `db_password: ${PLAIN.db_password}\nmode: 0755\n`);
  run('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), join(inv, 'group_vars', 'web.yml')]);
  const inline = run('ansible-vault', ['encrypt_string', '--vault-password-file', join(dir, 'pw'), PLAIN.inline_pw, '--name', 'inline_pw']);
  writeFileSync(join(inv, 'group_vars', 'all.yml'), `plain: yes\n${inline}\n`);
  run('age-keygen', ['-o', join(dir, 'key.txt')]);
  const recipient = run('age-keygen', ['-y', join(dir, 'key.txt')]).trim();
  execFileSync('age', ['-r', recipient, '-o', join(inv, 'host_vars', 'web1.yml')], { input: `api_token: ${PLAIN.api_token}\n` });
  flags = { vaultPasswordFiles: [join(dir, 'pw')], ageIdentityFiles: [join(dir, 'key.txt')] };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hosts = () => join(dir, 'inv', 'hosts.ini');

describe('encrypted group_vars / host_vars (vault file, age file, inline !vault)', () => {
  it('reach the resolved hosts as Secrets holding the plaintext; plain vars keep the YAML 1.1 rules', async () => {
    const inv = await loadInventory(hosts(), {}, importTs, { decryptVars: inventoryDecryptor(flags, {}) });
    const vars = (n: string) => inv.hosts.find((h) => h.name === n)?.vars ?? {};
    for (const k of ['db_password', 'inline_pw', 'mode'] as const) expect(isSecret(vars('web1')[k]), k).toBe(true);
    expect(reveal(vars('web1').db_password)).toBe(PLAIN.db_password);
    expect(reveal(vars('web2').inline_pw)).toBe(PLAIN.inline_pw);
    expect(reveal(vars('web1').mode)).toBe(493); // 0755 in a vault file: YAML 1.1 octal, as Ansible
    expect(reveal(vars('web1').api_token)).toBe(PLAIN.api_token);
    expect(isSecret(vars('web1').api_token)).toBe(true);
    expect(vars('web2').api_token).toBeUndefined(); // host_vars/web1 only
    expect(vars('web1').plain).toBe(true);
  });

  it('tsplay inventory --list prints *** for them, never the plaintext', async () => {
    const out = await inventoryCommand({ inventory: hosts(), secrets: flags });
    const web1 = JSON.parse(out).hosts.web1.vars;
    expect(web1).toMatchObject({ db_password: '***', api_token: '***', inline_pw: '***', plain: true });
    for (const p of Object.values(PLAIN)) expect(out).not.toContain(p);
    const ansible = await inventoryCommand({ inventory: hosts(), secrets: flags, format: 'ansible' });
    for (const p of Object.values(PLAIN)) expect(ansible).not.toContain(p);
    expect(JSON.parse(ansible)._meta.hostvars.web2.db_password).toBe('***');
  });

  it('the plaintexts are those ansible-inventory --list --vault-password-file decrypts (vault part)', async () => {
    // Ansible reads no age: it lists a copy without the age-encrypted host_vars file
    cpSync(join(dir, 'inv'), join(dir, 'inv-vault'), { recursive: true });
    rmSync(join(dir, 'inv-vault', 'host_vars'), { recursive: true });
    const theirs = JSON.parse(
      run('ansible-inventory', ['-i', join(dir, 'inv-vault', 'hosts.ini'), '--list', '--vault-password-file', join(dir, 'pw')]).replace(
        /^[^{]*/,
        '',
      ),
    );
    const opened = run('ansible', [
      'localhost',
      '-m',
      'debug',
      '-a',
      'msg={{ inline_pw }}',
      '-e',
      `@${join(dir, 'inv', 'group_vars', 'all.yml')}`,
      '--vault-password-file',
      join(dir, 'pw'),
    ]);
    const inv = await loadInventory(hosts(), {}, importTs, { decryptVars: inventoryDecryptor(flags, {}) });
    for (const h of ['web1', 'web2']) {
      const ours = inv.hosts.find((x) => x.name === h)?.vars ?? {};
      const t = theirs._meta.hostvars[h];
      expect(reveal(ours.db_password)).toBe(t.db_password);
      expect(reveal(ours.mode)).toBe(t.mode);
      expect(ours.plain).toBe(t.plain);
      // Ansible keeps an inline !vault as its envelope in --list; ours opens it with the same password
      expect(t.inline_pw.__ansible_vault).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
      expect(reveal(ours.inline_pw)).toBe(/"msg": "([^"]*)"/.exec(opened)?.[1]);
    }
  });

  it('a wrong vault password is VAULT_DECRYPT_FAILED naming the file', async () => {
    const p = loadInventory(hosts(), {}, importTs, {
      decryptVars: inventoryDecryptor({ ...flags, vaultPasswordFiles: [join(dir, 'wrong')] }, {}),
    });
    const e = (await p.then(
      () => undefined,
      (x: unknown) => x,
    )) as TsplayError;
    expect(e?.code).toBe('VAULT_DECRYPT_FAILED');
    expect(e.file).toMatch(/group_vars\/(web|all)\.yml$/);
    expect(e.message).not.toContain('pw-one');
  });

  it('without any key: INVENTORY_ENCRYPTED_VARS naming the file, the hint naming the flags', async () => {
    expect(inventoryDecryptor({}, {})).toBeUndefined();
    const e = (await inventoryCommand({ inventory: hosts(), secrets: {} }).then(
      () => undefined,
      (x: unknown) => x,
    )) as TsplayError;
    expect(e?.code).toBe('INVENTORY_ENCRYPTED_VARS');
    expect(e.file).toMatch(/group_vars\/(web|all)\.yml$/);
    expect(e.hint).toMatch(/--vault-password-file/);
  });

  it('without any key, an age-encrypted host_vars file: the hint names --age-identity', async () => {
    rmSync(join(dir, 'inv-age'), { recursive: true, force: true });
    cpSync(join(dir, 'inv'), join(dir, 'inv-age'), { recursive: true });
    rmSync(join(dir, 'inv-age', 'group_vars'), { recursive: true });
    const e = (await inventoryCommand({ inventory: join(dir, 'inv-age', 'hosts.ini') }).then(
      () => undefined,
      (x: unknown) => x,
    )) as TsplayError;
    expect(e?.code).toBe('INVENTORY_ENCRYPTED_VARS');
    expect(e.file).toMatch(/host_vars\/web1\.yml$/);
    expect(e.hint).toMatch(/--age-identity/);
  });
});

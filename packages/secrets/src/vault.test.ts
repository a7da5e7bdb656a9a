import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecret, redact, type Secret } from '@tsplay/core';
import { afterAll, describe, expect, it } from 'vitest';
import { secretKeys } from './options.js';
import { vaultOpen } from './open.js';
import { rejection, tempDir, tool } from './test-tools.js';
import { decryptVarsFile, parseVarsYaml } from './vars.js';
import { parseVault, sealVault } from './vault.js';

const fx = (f: string) => join(import.meta.dirname, 'fixtures', f);
const tmp = tempDir();
afterAll(tmp.done);
const PLAIN = { db_password: 'c0rrect-h0rse-fixture', db_port: 5432, api_tokens: ['tok-alpha-fixture', 'tok-beta-fixture'] };
const revealAll = (v: unknown): unknown =>
  isSecret(v)
    ? v.reveal()
    : Array.isArray(v)
      ? v.map(revealAll)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revealAll(x)]))
        : v;

describe('Ansible Vault files recorded from ansible-vault 2.14', () => {
  it('1.1 with --vault-password-file: every value a Secret holding what was encrypted', async () => {
    const r = await decryptVarsFile(
      fx('vault-1.1.yml'),
      readFileSync(fx('vault-1.1.yml')),
      secretKeys({ vaultPasswordFiles: [fx('vault-pass.txt')] }),
    );
    expect(r.encryption).toBe('vault');
    const vars = r.vars as Record<string, Secret<unknown>>;
    expect(isSecret(vars.db_password) && isSecret(vars.db_port)).toBe(true);
    expect(revealAll(vars)).toEqual(PLAIN);
    expect(JSON.stringify(vars)).not.toContain('c0rrect');
  });

  it('1.2 with its vault id, and with a password under another id (tried in turn, as Ansible does)', async () => {
    const data = readFileSync(fx('vault-1.2-prod.yml'));
    for (const ids of [[`dev@${fx('vault-pass.txt')}`, `prod@${fx('vault-pass-prod.txt')}`], [`other@${fx('vault-pass-prod.txt')}`]]) {
      const r = await decryptVarsFile(fx('vault-1.2-prod.yml'), data, secretKeys({ vaultIds: ids }));
      expect(revealAll(r.vars)).toEqual(PLAIN);
    }
    expect(parseVault(data.toString(), { file: 'x' })).toMatchObject({ version: '1.2', label: 'prod' });
  });

  it('inline !vault values (1.1 and 1.2) become Secrets; plain values stay plain', async () => {
    const keys = secretKeys({ vaultIds: [fx('vault-pass.txt'), `prod@${fx('vault-pass-prod.txt')}`] });
    const vars = (await parseVarsYaml(readFileSync(fx('inline-vault.yml'), 'utf8'), keys, fx('inline-vault.yml'))) as Record<
      string,
      unknown
    >;
    expect(vars.db_user).toBe('app');
    expect(vars.port).toBe(8443);
    expect(isSecret(vars.db_password)).toBe(true);
    expect(revealAll(vars)).toEqual({
      db_user: 'app',
      db_password: 'inline-default-fixture',
      nested: { api_key: 'inline-prod-fixture' },
      port: 8443,
    });
    expect(redact('token inline-prod-fixture')).toBe('token ***');
  });

  it("a loader's own YAML options apply (Ansible's YAML 1.1: yes is true, 0755 octal), with !vault still decrypted", async () => {
    const keys = secretKeys({ vaultPasswordFiles: [fx('vault-pass.txt')] });
    const text = `${readFileSync(fx('inline-vault.yml'), 'utf8').split('nested:')[0]}enabled: yes\nmode: 0755\n`;
    const plain12 = (await parseVarsYaml(text, keys, 'v.yml')) as Record<string, unknown>;
    const as11 = (await parseVarsYaml(text, keys, 'v.yml', { version: '1.1', customTags: (tags) => tags })) as Record<string, unknown>;
    expect([plain12.enabled, plain12.mode, as11.enabled, as11.mode]).toEqual(['yes', 755, true, 493]);
    expect(isSecret(as11.db_password) && as11.db_password.reveal()).toBe('inline-default-fixture');
  });

  it('a wrong password is VAULT_DECRYPT_FAILED naming the file (and line), with no ciphertext or plaintext', async () => {
    const body = readFileSync(fx('vault-1.1.yml'), 'utf8');
    const e = await rejection(decryptVarsFile(fx('vault-1.1.yml'), body, secretKeys({ vaultPasswordFiles: [fx('vault-pass-prod.txt')] })));
    expect(e.code).toBe('VAULT_DECRYPT_FAILED');
    expect(e.file).toBe(fx('vault-1.1.yml'));
    expect(e.message).toContain(fx('vault-1.1.yml'));
    const line2 = body.split('\n')[1] as string;
    expect(e.message).not.toContain(line2.slice(0, 16));
    expect(e.message + (e.hint ?? '')).not.toMatch(/c0rrect|fixture-pw/);
    const inline = await rejection(
      parseVarsYaml(readFileSync(fx('inline-vault.yml'), 'utf8'), secretKeys({ vaultIds: [fx('vault-pass.txt')] }), 'inline-vault.yml'),
    );
    expect(inline.code).toBe('VAULT_DECRYPT_FAILED');
    expect(inline.message).toMatch(/^inline-vault\.yml:11: .*vault id prod/);
    const none = await rejection(decryptVarsFile('v.yml', body, secretKeys()));
    expect([none.code, none.message]).toEqual(['VAULT_DECRYPT_FAILED', 'v.yml is vault-encrypted, and no vault password is given']);
  });

  it('a cut or foreign envelope is VAULT_FORMAT', async () => {
    const body = readFileSync(fx('vault-1.1.yml'), 'utf8');
    const keys = secretKeys({ vaultPasswordFiles: [fx('vault-pass.txt')] });
    expect((await rejection(vaultOpen(body.slice(0, 200), keys, { file: 'cut.yml' }))).code).toBe('VAULT_FORMAT');
    expect((await rejection(vaultOpen(body.replace('1.1', '1.0'), keys, { file: 'old.yml' }))).message).toBe(
      'old.yml: vault format "1.0" is not supported',
    );
  });
});

describe('interop with the real ansible-vault', () => {
  const pw = join(tmp.dir, 'pw');
  writeFileSync(pw, 'live-pass-9\n');

  it('files ansible-vault encrypts now (1.1 and 1.2 with an id) decrypt in tsplay', async () => {
    const k = `r${Math.random().toString(36).slice(2)}`;
    const text = `k: ${k}\nlist: [1, 2]\n`;
    for (const [name, args] of [
      ['a.yml', ['--vault-password-file', pw]],
      ['b.yml', ['--vault-id', `stage@${pw}`]],
    ] as const) {
      writeFileSync(join(tmp.dir, name), text);
      tool('ansible-vault', ['encrypt', ...args, join(tmp.dir, name)]);
      const data = readFileSync(join(tmp.dir, name));
      expect(data.toString()).toMatch(name === 'a.yml' ? /^\$ANSIBLE_VAULT;1\.1;AES256\n/ : /^\$ANSIBLE_VAULT;1\.2;AES256;stage\n/);
      const r = await decryptVarsFile(name, data, secretKeys({ vaultIds: [`stage@${pw}`] }));
      expect(revealAll(r.vars)).toEqual({ k, list: [1, 2] });
    }
  });

  it('encrypt_string values decrypt in tsplay; what tsplay encrypts, ansible-vault decrypts', async () => {
    const value = `v-${Math.random().toString(36)}`;
    const yaml = tool('ansible-vault', ['encrypt_string', '--vault-id', `stage@${pw}`, value, '--name', 'x']);
    expect(revealAll(await parseVarsYaml(yaml, secretKeys({ vaultPasswordFiles: [pw] }), 'x.yml'))).toEqual({ x: value });
    for (const label of ['default', 'stage']) {
      const f = join(tmp.dir, `sealed-${label}.yml`);
      writeFileSync(f, sealVault(`${value}\nline two ünïcode\n`, 'live-pass-9', label));
      expect(tool('ansible-vault', ['decrypt', '--vault-id', `${label}@${pw}`, '--output', '-', f])).toBe(`${value}\nline two ünïcode\n`);
    }
  });

  it('an executable password file is run (a *-client script gets --vault-id LABEL)', async () => {
    const script = join(tmp.dir, 'pass-client.sh');
    writeFileSync(script, `#!/bin/sh\n[ "$1 $2" = "--vault-id stage" ] && echo live-pass-9\n`);
    chmodSync(script, 0o700);
    const f = join(tmp.dir, 'c.yml');
    writeFileSync(f, 'c: 3\n');
    tool('ansible-vault', ['encrypt', '--vault-id', `stage@${pw}`, f]);
    const r = await decryptVarsFile(f, readFileSync(f), secretKeys({ vaultIds: [`stage@${script}`] }));
    expect(revealAll(r.vars)).toEqual({ c: 3 });
    const bad = await rejection(decryptVarsFile(f, readFileSync(f), secretKeys({ vaultIds: [`prod@${script}`] })));
    expect([bad.code, bad.message]).toEqual(['VAULT_PASSWORD_SOURCE', `vault password file ${script}: the script failed (exit 1)`]);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecret, secret } from '@tsplay/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ageEncrypt, ageOpen, readRecipients } from './age.js';
import { noKeys } from './keys.js';
import { decryptFile } from './open.js';
import { secretKeys } from './options.js';
import { rejection, tempDir, tool } from './test-tools.js';
import { decryptVarsFile } from './vars.js';

const fx = (f: string) => join(import.meta.dirname, 'fixtures', f);
const tmp = tempDir();
afterAll(tmp.done);
const idKeys = (file: string) => secretKeys({ env: { TSPLAY_AGE_IDENTITY: file } });
const plainVars = readFileSync(fx('plain-vars.yml'), 'utf8');

describe('age files recorded from age 1.1', () => {
  it('binary and armored files decrypt with the identity of TSPLAY_AGE_IDENTITY; values are Secrets', async () => {
    for (const f of ['age-vars.yml.age', 'age-vars-armored.yml.age']) {
      const r = await decryptVarsFile(fx(f), readFileSync(fx(f)), idKeys(fx('age-identity.txt')));
      const vars = r.vars as Record<string, unknown>;
      expect(r.encryption).toBe('age');
      expect(isSecret(vars.db_password)).toBe(true);
      expect((vars.db_password as { reveal(): unknown }).reveal()).toBe('c0rrect-h0rse-fixture');
    }
    const raw = await decryptFile(
      'x',
      readFileSync(fx('age-vars.yml.age')),
      secretKeys({ ageIdentityFiles: [fx('age-identity.txt')], env: {} }),
    );
    expect(isSecret(raw.bytes) && raw.bytes.reveal().toString()).toBe(plainVars);
  });

  it('no identity is AGE_NO_IDENTITY; another identity is AGE_DECRYPT_FAILED; neither prints the content', async () => {
    const data = readFileSync(fx('age-vars.yml.age'));
    const none = await rejection(decryptVarsFile('v.age', data, secretKeys({ env: {} })));
    expect([none.code, none.file]).toEqual(['AGE_NO_IDENTITY', 'v.age']);
    const other = join(tmp.dir, 'other.key');
    tool('age-keygen', ['-o', other]);
    const wrong = await rejection(decryptVarsFile('v.age', data, idKeys(other)));
    expect([wrong.code, wrong.message]).toEqual(['AGE_DECRYPT_FAILED', 'v.age: no age identity given decrypts it']);
    const bad = join(tmp.dir, 'bad.key');
    writeFileSync(bad, '# comment\nnot-a-key\n');
    expect((await rejection(decryptVarsFile('v.age', data, idKeys(bad)))).message).toBe(
      `${bad}:2: not an age identity (AGE-SECRET-KEY-1...)`,
    );
  });
});

describe('interop with the real age', () => {
  const key = join(tmp.dir, 'live.key');
  tool('age-keygen', ['-o', key]);
  const recipient = tool('age-keygen', ['-y', key]).trim();

  it('what age encrypts now decrypts in tsplay; what tsplay encrypts (binary, armored) `age -d` decrypts', async () => {
    const text = `secret-${Math.random().toString(36).slice(2)}\n`;
    writeFileSync(join(tmp.dir, 'in.txt'), text);
    tool('age', ['-e', '-r', recipient, '-o', join(tmp.dir, 'by-age.age'), join(tmp.dir, 'in.txt')]);
    const opened = await ageOpen(readFileSync(join(tmp.dir, 'by-age.age')), idKeys(key), { file: 'by-age.age' });
    expect(opened.plaintext.reveal().toString()).toBe(text);
    expect(opened.recipients).toBe(1);
    for (const armor of [false, true]) {
      const f = join(tmp.dir, `by-tsplay-${armor}.age`);
      writeFileSync(f, await ageEncrypt(text, { recipients: [recipient], armor }));
      expect(readFileSync(f, 'latin1').startsWith(armor ? '-----BEGIN AGE ENCRYPTED FILE-----' : 'age-encryption.org/v1\n')).toBe(true);
      expect(tool('age', ['-d', '-i', key, f])).toBe(text);
    }
  });

  it('passphrase files: tsplay opens what `age -p` wrote, and age opens what tsplay wrote (scrypt)', async () => {
    const pass = 'horse-battery-staple-42';
    writeFileSync(join(tmp.dir, 'p.txt'), 'by passphrase\n');
    // age reads a passphrase only from a terminal: `script` gives it one, fed from stdin.
    tool('script', ['-qec', `age -p -o ${join(tmp.dir, 'p.age')} ${join(tmp.dir, 'p.txt')}`, '/dev/null'], { input: `${pass}\n${pass}\n` });
    const keys = { ...noKeys, agePassphrase: async () => secret(pass) };
    expect((await ageOpen(readFileSync(join(tmp.dir, 'p.age')), keys, { file: 'p.age' })).plaintext.reveal().toString()).toBe(
      'by passphrase\n',
    );
    writeFileSync(join(tmp.dir, 't.age'), await ageEncrypt('from tsplay\n', { passphrase: secret(pass), scryptWorkFactor: 12 }));
    tool('script', ['-qec', `age -d -o ${join(tmp.dir, 't.out')} ${join(tmp.dir, 't.age')}`, '/dev/null'], { input: `${pass}\n` });
    expect(readFileSync(join(tmp.dir, 't.out'), 'utf8')).toBe('from tsplay\n');
    const wrong = await rejection(
      ageOpen(readFileSync(join(tmp.dir, 't.age')), { ...noKeys, agePassphrase: async () => secret('nope-nope') }, { file: 't.age' }),
    );
    expect([wrong.code, wrong.message]).toEqual(['AGE_DECRYPT_FAILED', 't.age: the passphrase does not decrypt it']);
    const noPrompt = await rejection(ageOpen(readFileSync(join(tmp.dir, 't.age')), noKeys, { file: 't.age' }));
    expect(noPrompt.code).toBe('AGE_NO_IDENTITY');
  });

  it('recipients: -r values and -R files are checked, and a bad one is not echoed', async () => {
    const rf = join(tmp.dir, 'recipients.txt');
    writeFileSync(rf, `# team\n${recipient}\n`);
    expect(await readRecipients(['age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'], [rf])).toHaveLength(2);
    const e = await rejection(readRecipients(['AGE-SECRET-KEY-1QQQQQQQQ'], []));
    expect([e.code, e.message.includes('AGE-SECRET')]).toEqual(['AGE_KEY_INVALID', false]);
    expect((await rejection(ageEncrypt('x', {}))).code).toBe('SECRETS_NO_RECIPIENT');
  });
});

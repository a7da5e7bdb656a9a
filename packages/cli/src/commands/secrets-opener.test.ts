import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { secretKeys } from '@tsplay/secrets';
import { afterAll, describe, expect, it } from 'vitest';
import { workerOpener } from './secrets-opener.js';

// The worker loads @tsplay/secrets as built (a worker cannot load TypeScript sources).
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'secrets', 'dist', 'index.js');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-opener-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (n: string) => join(dir, n);

describe('workerOpener: encrypted workstation files opened synchronously with the run keys', () => {
  it('opens an age file and a vault file made by the real tools; a plain file is undefined; a wrong password is VAULT_DECRYPT_FAILED naming the file', async () => {
    if (!existsSync(DIST)) throw new Error('packages/secrets is not built: run `pnpm build`');
    execFileSync('age-keygen', ['-o', f('key')], { stdio: 'pipe' });
    const recipient = execFileSync('age-keygen', ['-y', f('key')], { encoding: 'utf8' }).trim();
    const binary = Buffer.from([0, 1, 2, 255, 10, 13, 0x80]);
    execFileSync('age', ['-r', recipient, '-o', f('bin.age')], { input: binary });
    writeFileSync(f('pw'), 'right\n');
    writeFileSync(f('wrong'), 'wrong\n');
    writeFileSync(f('v.txt'), 'vault plain\n');
    execFileSync('ansible-vault', ['encrypt', '--vault-password-file', f('pw'), f('v.txt')], { stdio: 'pipe' });
    const url = pathToFileURL(DIST).href;
    const o = await workerOpener(secretKeys({ vaultPasswordFiles: [f('pw')], ageIdentityFiles: [f('key')], env: {} }), url);
    try {
      expect(o.open(f('bin.age'), readFileSync(f('bin.age')))).toEqual(binary);
      expect(o.open(f('v.txt'), readFileSync(f('v.txt')))?.toString()).toBe('vault plain\n');
      expect(o.open(f('pw'), readFileSync(f('pw')))).toBeUndefined();
    } finally {
      await o.close();
    }
    const bad = await workerOpener(secretKeys({ vaultPasswordFiles: [f('wrong')], env: {} }), url);
    try {
      expect(() => bad.open(f('v.txt'), readFileSync(f('v.txt')))).toThrow(
        expect.objectContaining({ code: 'VAULT_DECRYPT_FAILED', file: f('v.txt') }),
      );
      expect(() => bad.open(f('bin.age'), readFileSync(f('bin.age')))).toThrow(expect.objectContaining({ file: f('bin.age') }));
    } finally {
      await bad.close();
    }
  });

  it('a key source that cannot be read fails when a file needs it, with its own code', async () => {
    const o = await workerOpener(secretKeys({ vaultPasswordFiles: [f('missing')], env: {} }), pathToFileURL(DIST).href);
    try {
      writeFileSync(f('v2.txt'), 'x\n');
      execFileSync('ansible-vault', ['encrypt', '--vault-password-file', f('pw'), f('v2.txt')], { stdio: 'pipe' });
      expect(() => o.open(f('v2.txt'), readFileSync(f('v2.txt')))).toThrow(expect.objectContaining({ code: 'VAULT_PASSWORD_SOURCE' }));
    } finally {
      await o.close();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '@tsplay/core';
import { setLocalFileOpener } from '@tsplay/core/module';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanup, ok, run, tempDir } from '../common/testing.js';
import { copy } from './index.js';

afterAll(cleanup);
afterEach(() => setLocalFileOpener(undefined));

const mode = (p: string) => statSync(p).mode & 0o7777;
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** A workstation dir with an age identity, a vault password, and a file encrypted by each real tool. */
function sources(plain: string) {
  const dir = tempDir();
  execFileSync('age-keygen', ['-o', join(dir, 'key')], { stdio: 'pipe' });
  const recipient = execFileSync('age-keygen', ['-y', join(dir, 'key')], { encoding: 'utf8' }).trim();
  execFileSync('age', ['-r', recipient, '-o', join(dir, 'src.age')], { input: plain });
  writeFileSync(join(dir, 'pw'), 'vault-pw\n');
  writeFileSync(join(dir, 'src.vault'), plain);
  execFileSync('ansible-vault', ['encrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'src.vault')], { stdio: 'pipe' });
  return dir;
}

/** An opener as the CLI installs, here the real tools run synchronously (the CLI's uses @tsplay/secrets). */
const toolOpener = (dir: string) => (path: string, bytes: Buffer) =>
  path.endsWith('.age')
    ? execFileSync('age', ['-d', '-i', join(dir, 'key')], { input: bytes })
    : execFileSync('ansible-vault', ['decrypt', '--vault-password-file', join(dir, 'pw'), '--output', '-', path], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });

describe('copy src encrypted with age or Ansible Vault', () => {
  for (const kind of ['age', 'vault'] as const) {
    it(`${kind}: the plaintext lands on the host, 0600 without mode, diff secret, plaintext redacted; then unchanged`, async () => {
      const plain = `token-${kind}-${Math.random().toString(36).slice(2)}\n`;
      const dir = sources(plain);
      setLocalFileOpener(toolOpener(dir));
      const dest = join(tempDir(), 'token');
      const e = ok(await run(copy, { dest, src: join(dir, `src.${kind}`) }));
      expect(e.outcome.status).toBe('changed');
      expect(readFileSync(dest, 'utf8')).toBe(plain);
      expect(mode(dest)).toBe(0o600);
      expect(e.outcome.data).toMatchObject({ sha256: sha(plain) });
      const planned = ok(await run(copy, { dest, src: join(dir, `src.${kind}`) }, { check: true }));
      expect(planned.plan?.changed).toBe(false);
      writeFileSync(dest, 'old\n');
      const again = ok(await run(copy, { dest, src: join(dir, `src.${kind}`) }, { check: true }));
      expect(again.diff).toEqual([{ path: dest, before: '<secret>', after: '<secret>' }]);
      expect(redact(`x ${plain.trim()} y`)).toBe('x *** y');
    });
  }

  it('no opener (no key given): the task fails ARGS_INVALID on src, the hint naming the flag; nothing written', async () => {
    const dir = sources('never-written\n');
    const dest = join(tempDir(), 'token');
    for (const [kind, flag] of [
      ['age', '--age-identity'],
      ['vault', '--vault-password-file'],
    ] as const) {
      const e = await run(copy, { dest, src: join(dir, `src.${kind}`) });
      expect(e.error?.code).toBe('ARGS_INVALID');
      expect(e.error?.field).toBe('src');
      expect(e.error?.hint).toContain(flag);
    }
    expect(() => statSync(dest)).toThrow();
  });

  it('a plain src is not passed to the opener and keeps its mode rules', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain'), 'hello\n');
    let calls = 0;
    setLocalFileOpener(() => {
      calls++;
      return undefined;
    });
    const dest = join(tempDir(), 'plain');
    ok(await run(copy, { dest, src: join(dir, 'plain') }));
    expect(calls).toBe(0);
    expect(mode(dest)).toBe(0o644);
  });
});

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { secretKeys } from './options.js';
import { promptHidden } from './prompt.js';
import { rejection } from './test-tools.js';

/** A fake terminal: raw-mode switches are recorded, what is written is kept. */
function tty() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    raw: [] as boolean[],
    setRawMode(on: boolean) {
      this.raw.push(on);
    },
  });
  const output = new PassThrough();
  let written = '';
  output.on('data', (c: Buffer) => (written += c.toString()));
  return { input, output, written: () => written };
}

describe('hidden prompt', () => {
  it('reads a line in raw mode without echo; backspace erases', async () => {
    const t = tty();
    const p = promptHidden('Vault password: ', t);
    t.input.write('hunter2x\u007f2\r');
    expect(await p).toBe('hunter22');
    expect(t.written()).toBe('Vault password: \n');
    expect(t.input.raw).toEqual([true, false]);
  });

  it('Ctrl-C is INTERRUPTED; no terminal is VAULT_PASSWORD_SOURCE', async () => {
    const t = tty();
    const p = promptHidden('pw: ', t);
    t.input.write('ab\u0003');
    expect((await rejection(p)).code).toBe('INTERRUPTED');
    const e = await rejection(promptHidden('Vault password: ', { input: new PassThrough(), output: new PassThrough() }));
    expect([e.code, e.message]).toEqual(['VAULT_PASSWORD_SOURCE', 'Vault password: needs a terminal, and stdin is not one']);
  });

  it('--ask-vault-pass prompts once per run, however many files need it', async () => {
    const t = tty();
    const keys = secretKeys({ askVaultPass: true, io: t, env: {} });
    const [k] = keys.vault;
    const first = k?.get();
    t.input.write('once-only\n');
    expect((await first)?.reveal()).toBe('once-only');
    expect((await k?.get())?.reveal()).toBe('once-only');
    expect(t.written()).toBe('Vault password: \n');
  });
});

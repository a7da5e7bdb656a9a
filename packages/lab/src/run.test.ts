import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { alive, cmdline, commandEnv, settleAll, step } from './run.js';
import { $ } from './run.js';

describe('settleAll', () => {
  test('values in order', async () => {
    expect(await settleAll([Promise.resolve(1), Promise.resolve('a')])).toEqual([1, 'a']);
  });

  test('rejects with the first failure only after every promise settled', async () => {
    let slowDone = false;
    const slow = new Promise<number>((r) => setTimeout(() => ((slowDone = true), r(2)), 30));
    await expect(settleAll([Promise.reject(new Error('boom')), slow])).rejects.toThrow('boom');
    expect(slowDone).toBe(true);
  });
});

describe('step', () => {
  test('a failed command becomes LAB_FAILED naming the step and stderr', async () => {
    await expect(step('do the thing', () => $`echo nope >&2; exit 3`)).rejects.toMatchObject({
      code: 'LAB_FAILED',
      message: 'do the thing: nope',
    });
  });
});

describe('alive / cmdline', () => {
  test('a running process is alive with its argv; after exit it is not', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid ?? 0;
    expect(alive(pid)).toBe(true);
    expect(cmdline(pid)).toEqual(['sleep', '30']);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(alive(pid)).toBe(false);
    expect(alive(undefined)).toBe(false);
  });
});

describe('commandEnv', () => {
  test('SHLVL at least 1, the rest as given', () => {
    expect(commandEnv({ A: 'x' })).toEqual({ A: 'x', SHLVL: '1' });
    expect(commandEnv({ SHLVL: '0' })['SHLVL']).toBe('1');
    expect(commandEnv({ SHLVL: '3' })['SHLVL']).toBe('3');
  });

  test('bash -c on a socket stdin skips ~/.bashrc with it, and reads it without (the slow path it avoids)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tsplay-bashrc-'));
    writeFileSync(join(home, '.bashrc'), 'echo BASHRC-READ\n');
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve) => {
        // stdio 'pipe': node's pipes are socket pairs, as zx's are
        const c = spawn('bash', ['-c', 'echo done'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.on('close', () => resolve(out));
        c.stdin.end();
      });
    const base = { PATH: process.env['PATH'], HOME: home };
    expect(await run(commandEnv(base))).toBe('done\n');
    expect(await run(base)).toBe('BASHRC-READ\ndone\n');
  });
});

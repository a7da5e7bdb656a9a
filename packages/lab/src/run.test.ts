import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { alive, cmdline, settleAll, step } from './run.js';
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

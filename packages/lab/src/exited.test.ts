import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasExited, snapshot, stillRunning } from './exited.js';

const state = (pid: number): string => {
  const t = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return t.slice(t.lastIndexOf(')') + 2).split(' ')[0] ?? '?';
};

describe('process exit, as /proc sees it', () => {
  it('a running process is still running; once killed and reaped it has exited', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pid = child.pid as number;
    const snap = snapshot([pid, pid]);
    expect(snap).toHaveLength(1);
    expect(stillRunning(snap).map((p) => p.pid)).toEqual([pid]);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    expect(hasExited(snap[0] as (typeof snap)[number])).toBe(true);
    expect(stillRunning(snap)).toEqual([]);
  });

  it('a zombie (exited, not yet reaped) counts as exited; a reused pid (other start time) too', async () => {
    // the shell execs into sleep and never waits for its background child: that child stays a zombie
    // (the child outlives the exec, so the shell itself cannot reap it first)
    const parent = spawn('/bin/sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const [line] = (await once(parent.stdout, 'data')) as [Buffer];
    const zombie = Number(line.toString().trim());
    for (let i = 0; i < 1500 && state(zombie) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state(zombie)).toBe('Z');
    const [snap] = snapshot([zombie]);
    expect(snap && hasExited(snap)).toBe(true);
    expect(hasExited({ pid: process.pid, start: 'not-its-start-time' })).toBe(true);
    expect(hasExited(snapshot([process.pid])[0] as { pid: number; start: string })).toBe(false);
    parent.kill('SIGKILL');
  });

  it('a pid that is not there is not in the snapshot', () => {
    expect(snapshot([2 ** 22 + 12345])).toEqual([]);
  });
});

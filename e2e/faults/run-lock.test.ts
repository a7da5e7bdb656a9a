/**
 * Issue 19: a run lock per host, on the lab. Two runs against the same controller: the second fails with
 * RUN_LOCKED naming the holder (or waits for it); a check-mode connection takes no lock; the lock goes when
 * the holder's connection closes, and when the holder process is SIGKILLed. Oracle: flock(1) on the host
 * itself (`flock -n DIR/run.lock true`, exit 1 while held) and the holder file there. DIR is the login's own
 * lock directory: the lab logs in as `admin`, so `/run/user/UID/tsplay` (or `~/.tsplay-lock`); root's is /run/tsplay.
 */
import { spawn } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '@tsplay/cli';
import { loadInventory, TsplayError, type Connection, type ResolvedHost } from '@tsplay/core';
import { waitFor } from '../helpers/lab.js';
import { hostOutput, lab, labHostExec, ROOT } from './helpers.js';
import { ensureLab } from './host-control.js';

let h0: ResolvedHost;
const opened: Connection[] = [];
/** The login's own lock directory on the host, as runLockScript picks it (the lab logs in as a non-root user). */
const LOCK_DIR = 'd=/run/user/$(id -u)/tsplay; [ -d /run/user/$(id -u) ] || d=$HOME/.tsplay-lock';
const lockFree = async (): Promise<boolean> =>
  (await labHostExec(0, `${LOCK_DIR}; [ ! -e "$d/run.lock" ] || flock -n "$d/run.lock" true`)).code === 0;
const lock = (playbook: string, waitMs = 0) => ({ runLock: { waitMs, playbook } });

async function open(opts: Parameters<typeof connectHost>[1] = {}): Promise<Connection> {
  const c = await connectHost(h0, opts);
  opened.push(c);
  return c;
}

async function refusal(p: Promise<unknown>): Promise<TsplayError> {
  const e = await p.then(
    (c) => {
      if (c && typeof c === 'object' && 'close' in c) opened.push(c as Connection);
      return undefined;
    },
    (x: unknown) => x,
  );
  if (!(e instanceof TsplayError)) throw new Error(`expected RUN_LOCKED, got ${String(e)}`);
  return e;
}

beforeAll(async () => {
  await ensureLab(3);
  const inv = await loadInventory(lab().inventoryFile);
  h0 = inv.hosts[0] as ResolvedHost;
  expect(await lockFree()).toBe(true);
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
});

describe('run lock on a lab host', () => {
  it('a second run is RUN_LOCKED naming user, workstation, pid, start and playbook; a check connection takes none; close frees it', async () => {
    const a = await open(lock('etcd.ts'));
    expect(await lockFree()).toBe(false);
    const holder = JSON.parse(await hostOutput(0, `${LOCK_DIR}; head -n 1 "$d/run.lock"`)) as Record<string, unknown>;
    expect(holder).toMatchObject({ user: userInfo().username, workstation: hostname(), pid: process.pid, playbook: 'etcd.ts' });
    const err = await refusal(connectHost(h0, lock('other.ts')));
    expect(err.code).toBe('RUN_LOCKED');
    expect(err.host).toBe(h0.name);
    expect(err.message).toContain(
      `${userInfo().username}@${hostname()} (pid ${process.pid}), playbook etcd.ts, since ${String(holder.started)}`,
    );
    // --check: no runLock option, no lock taken; it works beside the holder
    const check = await open();
    expect((await check.exec('echo check')).stdout).toBe('check\n');
    await check.close();
    expect(await lockFree()).toBe(false);
    await a.close();
    await waitFor('the lock to be free', async () => ((await lockFree()) ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
  });

  it('--wait-lock: a second run waits and gets the lock when the first ends', async () => {
    const a = await open(lock('first'));
    let second: Connection | undefined;
    const waiting = connectHost(h0, lock('second', 120_000)).then((c) => {
      opened.push(c);
      second = c;
      return c;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(second).toBeUndefined();
    await a.close();
    const b = await waiting;
    expect(JSON.parse(await hostOutput(0, `${LOCK_DIR}; head -n 1 "$d/run.lock"`))).toMatchObject({ playbook: 'second' });
    expect(await lockFree()).toBe(false);
    await b.close();
    await waitFor('the lock to be free', async () => ((await lockFree()) ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
  });

  it('is released when the holding process is SIGKILLed (its connection dies)', async () => {
    const script = `import { loadInventory } from '@tsplay/core'; import { connectHost } from '@tsplay/cli';
const inv = await loadInventory(${JSON.stringify(lab().inventoryFile)});
await connectHost(inv.hosts[0], { runLock: { waitMs: 0, playbook: 'killed.ts' } });
process.stdout.write('LOCKED\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errOut = '';
    child.stderr.on('data', (d: Buffer) => (errOut += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('LOCKED\n')) resolve();
      });
      child.once('exit', (c) => reject(new Error(`holder exited ${c}: ${errOut}`)));
    });
    expect(await lockFree()).toBe(false);
    const err = await refusal(connectHost(h0, lock('mine')));
    expect(err.message).toContain(`(pid ${child.pid}), playbook killed.ts`);
    child.kill('SIGKILL');
    await waitFor('the lock of the killed run to go', async () => ((await lockFree()) ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    await open(lock('after'));
    expect(await lockFree()).toBe(false);
  });
});

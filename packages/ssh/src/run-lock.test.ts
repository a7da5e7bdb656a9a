import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TsplayError, type Connection } from '@tsplay/core';
import { LocalConnection } from '@tsplay/core/transport';
import { RUN_LOCK_DIR, acquireRunLock, connectSsh, parseBusyLine, runLockScript, type SshConnection } from './index.js';
import { createTestUser, removeTestUser, startSshd, type TestSshd } from './testing/index.js';

const OTHER = 'tsplay-lock-user';
let sshd: TestSshd;
let dir: string;
const opened: Connection[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
  await createTestUser(OTHER);
  await sshd.authorize(OTHER);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await sshd?.stop();
  await removeTestUser(OTHER);
});

/** A lock directory of the login's own (root's unless `owner`), 0700. */
async function lockDir(owner = 'root'): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'tsplay-lockdir-'));
  spawnSync('chown', [owner, dir]);
  return dir;
}

async function ssh(user = 'root'): Promise<SshConnection> {
  const c = await connectSsh(sshd.spec(user), { env: {}, home: join(sshd.dir, 'home') });
  opened.push(c);
  return c;
}

/** The oracle: what the host's own flock(1) says about the lock file (exit 0 = free). */
const lockIsFree = (d: string): boolean => spawnSync('flock', ['-n', join(d, 'run.lock'), 'true']).status === 0;

async function lockedError(p: Promise<unknown>): Promise<TsplayError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof TsplayError)) throw new Error(`expected RUN_LOCKED, got ${String(e)}`);
  return e;
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('run lock over SSH', () => {
  it('a second run fails at once with RUN_LOCKED naming the holder; closing the holder frees it', async () => {
    const d = await lockDir();
    const a = await ssh();
    const lock = await acquireRunLock(a, {
      waitMs: 0,
      playbook: 'etcd.ts',
      dir: d,
      holder: { user: 'alice', workstation: 'ws-1', pid: 4242 },
    });
    expect(lockIsFree(d)).toBe(false);
    const err = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'other.ts', dir: d }));
    expect(err.code).toBe('RUN_LOCKED');
    expect(err.host).toBe(`sshd-${sshd.port}`);
    expect(err.message).toContain(`alice@ws-1 (pid 4242), playbook etcd.ts, since ${lock.holder.started}`);
    expect(err.hint).toContain('--wait-lock');
    await a.close();
    await until(() => lockIsFree(d));
    expect(lockIsFree(d)).toBe(true);
    await acquireRunLock(await ssh(), { waitMs: 0, playbook: 'other.ts', dir: d });
    expect(lockIsFree(d)).toBe(false);
  });

  it('is released when the holder connection dies (sshd session killed)', async () => {
    const d = await lockDir();
    await acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d });
    expect(lockIsFree(d)).toBe(false);
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    await until(() => lockIsFree(d));
    expect(lockIsFree(d)).toBe(true);
  });

  it('waits up to waitMs: gets the lock once the holder releases it', async () => {
    const d = await lockDir();
    const first = await acquireRunLock(await ssh(), { waitMs: 0, playbook: 'first', dir: d });
    const waiting = acquireRunLock(await ssh(), { waitMs: 60_000, playbook: 'second', dir: d });
    let got = false;
    void waiting.then(() => (got = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toBe(false);
    await first.release();
    const second = await waiting;
    expect(second.holder.playbook).toBe('second');
    expect(lockIsFree(d)).toBe(false);
  });

  it('a wait that runs out is RUN_LOCKED, saying how long it waited', async () => {
    const d = await lockDir();
    await acquireRunLock(await ssh(), { waitMs: 0, playbook: 'first', dir: d, holder: { user: 'bob' } });
    const err = await lockedError(acquireRunLock(await ssh(), { waitMs: 300, playbook: 'second', dir: d }));
    expect(err.code).toBe('RUN_LOCKED');
    expect(err.message).toContain('waited 300 ms');
    expect(err.message).toContain('bob@');
  });

  it("another host user cannot block or spoof root's lock: flock and a fake holder where the old lock lived, nothing in root's dir", async () => {
    // The user holds flock on the old world-writable lock file and writes an invented holder there.
    const other = await ssh(OTHER);
    const spoof = await other.hold(
      `f=/run/lock/tsplay-run.lock; : >> $f; chmod 644 $f; exec 9< $f; flock -n 9; printf '%s\\n' '{"user":"mallory"}' > /run/lock/tsplay-run.holder.0; mkdir -p ${RUN_LOCK_DIR} 2>/dev/null; echo HELD; exec cat >/dev/null`,
      { ready: (o) => o.includes('HELD') },
    );
    expect(spoof.exit).toBeUndefined();
    expect((await other.exec(`: > ${RUN_LOCK_DIR}/run.lock`)).code).not.toBe(0);
    const lock = await acquireRunLock(await ssh('root'), { waitMs: 0, playbook: 'root-run', holder: { user: 'root-op' } });
    expect(lock.holder.user).toBe('root-op');
    const st = statSync(RUN_LOCK_DIR);
    expect([st.uid, st.mode & 0o777]).toEqual([0, 0o700]);
    expect(spawnSync('flock', ['-n', join(RUN_LOCK_DIR, 'run.lock'), 'true']).status).toBe(1);
    await lock.release();
    await spoof.release();
  });

  it('only a regular lock file is accepted: a FIFO is RUN_LOCK_FAILED, not a hang', async () => {
    const d = await lockDir();
    spawnSync('mkfifo', [join(d, 'run.lock')]);
    const err = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d }));
    expect(err.code).toBe('RUN_LOCK_FAILED');
    expect(err.message).toContain('not a regular file');
  });

  it("a lock directory someone else owns or can write is refused; a user's own directory works for that user", async () => {
    const d = await lockDir();
    spawnSync('chmod', ['1777', d]);
    expect((await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d }))).code).toBe('RUN_LOCK_FAILED');
    spawnSync('chmod', ['0755', d]);
    expect((await lockedError(acquireRunLock(await ssh(OTHER), { waitMs: 0, playbook: 'p', dir: d }))).code).toBe('RUN_LOCK_FAILED');
    const mine = await mkdtemp(join(tmpdir(), 'tsplay-lockdir-user-'));
    spawnSync('chown', [OTHER, mine]);
    const lock = await acquireRunLock(await ssh(OTHER), { waitMs: 0, playbook: 'p', dir: mine });
    expect(lock.holder.playbook).toBe('p');
    await rm(mine, { recursive: true, force: true });
  });

  it('with the lock file already there, a named directory others can write or a lock file of another user is refused', async () => {
    const d = await lockDir();
    const f = join(d, 'run.lock');
    spawnSync('sh', ['-c', `umask 077; : > ${f}`]);
    const first = await acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d });
    await first.release();
    await until(() => lockIsFree(d));
    spawnSync('chmod', ['0777', d]);
    const open = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d }));
    expect([open.code, open.message]).toEqual(['RUN_LOCK_FAILED', expect.stringContaining('writable by no one else')]);
    spawnSync('chmod', ['0700', d]);
    spawnSync('chown', [OTHER, f]);
    const theirs = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d }));
    expect([theirs.code, theirs.message]).toEqual(['RUN_LOCK_FAILED', expect.stringContaining('not a regular file owned by uid 0')]);
  });

  it("the holder goes through the lock's own descriptor: no temp file, no rename, no name opened again, no pid-based name", () => {
    const s = runLockScript(undefined, { user: 'u', workstation: 'w', pid: 1, started: 's', playbook: 'p' }, 0);
    expect(s).toContain(`printf '%s\\n' '{"user":"u","workstation":"w","pid":1,"started":"s","playbook":"p"}' >&9`);
    expect(s).not.toMatch(/\bmv\b|mktemp|\$\$|\bcat\b/);
    // a default directory needs no stat: ownership is a builtin test; a named one is stat'ed for its mode
    expect(s).not.toContain('stat -c');
    expect(runLockScript('/srv/locks', { user: 'u', workstation: 'w', pid: 1, started: 's', playbook: 'p' }, 0)).toContain('stat -c %a');
  });

  it('a taken lock holds its holder as the first line of run.lock (0600) and leaves nothing else; the file is opened read-write', async () => {
    const d = await lockDir();
    const f = join(d, 'run.lock');
    // a longer holder from an earlier run: the new one is the first line
    spawnSync('sh', ['-c', `umask 077; printf '%s\\n' '{"user":"someone-with-a-much-longer-name","playbook":"earlier.ts"}' > ${f}`]);
    const lock = await acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d, holder: { user: 'dora' } });
    expect(spawnSync('ls', ['-A', d], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)).toEqual(['run.lock']);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const first = spawnSync('head', ['-n', '1', f], { encoding: 'utf8' }).stdout;
    const holder = JSON.parse(first) as { user: string; playbook: string };
    expect([holder.user, holder.playbook]).toEqual(['dora', 'p']);
    const err = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'second', dir: d }));
    expect(err.message).toContain('dora@');
    // the lock script's own fd 9 on run.lock, as /proc shows it: read-write (O_RDWR = 02 in the flags' low bits)
    const pid = spawnSync('fuser', [join(d, 'run.lock')], { encoding: 'utf8' })
      .stdout.trim()
      .split(/\s+/)[0];
    const flags = spawnSync('cat', [`/proc/${pid}/fdinfo/9`], { encoding: 'utf8' }).stdout.match(/^flags:\s+(\d+)/m)?.[1];
    expect(parseInt(flags ?? '0', 8) & 3).toBe(2);
    await lock.release();
  });

  it('a lock taken by tsplay before 2026-12-07 (its holder in DIR/holder) is still named', async () => {
    const d = await lockDir();
    const old = await (await ssh()).hold(
      `cd ${d}; umask 077; : > run.lock; exec 9<> run.lock; flock -n 9; printf '%s\\n' '{"user":"olde"}' > holder; echo HELD; exec cat >/dev/null`,
      { ready: (o) => o.includes('HELD') },
    );
    expect(old.exit).toBeUndefined();
    const err = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d }));
    expect([err.code, err.message]).toEqual(['RUN_LOCKED', expect.stringContaining('olde@')]);
    await old.release();
  });

  it('the local transport holds the same lock (a LocalConnection and an SSH run exclude each other)', async () => {
    const d = await lockDir();
    const local = new LocalConnection('ws');
    opened.push(local);
    await acquireRunLock(local, { waitMs: 0, playbook: 'local-run', dir: d, holder: { user: 'carol' } });
    const err = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: d }));
    expect(err.message).toContain('carol@');
    await local.close();
    expect(lockIsFree(d)).toBe(true);
  });

  it('a lock directory that cannot be used is RUN_LOCK_FAILED, not RUN_LOCKED', async () => {
    const err = await lockedError(acquireRunLock(await ssh(), { waitMs: 0, playbook: 'p', dir: '/nonexistent/tsplay' }));
    expect(err.code).toBe('RUN_LOCK_FAILED');
  });

  it('parses the BUSY line; an unreadable holder file still gives a message', () => {
    expect(parseBusyLine('BUSY {"user":"u","pid":1}\n')).toEqual({ user: 'u', pid: 1 });
    expect(parseBusyLine('BUSY \n')).toBeUndefined();
    expect(parseBusyLine('BUSY not json\n')).toBeUndefined();
  });
});

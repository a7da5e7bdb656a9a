import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkParents, checkPeer } from './paths.js';

// Issue 25, item 7: a parent directory someone else can change, or a socket of another user, is not used.
const root = mkdtempSync(join(tmpdir(), 'tsplay-persist-paths-'));
chmodSync(root, 0o755);
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(root, { recursive: true, force: true });
});

describe('persistence: the path to the socket', () => {
  it('accepts parents that are root-owned or sticky (/tmp)', () => {
    expect(() => checkParents(join(root, 'tsplay-0'))).not.toThrow();
  });

  it('refuses a parent that others can write (no sticky bit), however far up', () => {
    const open = join(root, 'open');
    mkdirSync(join(open, 'deeper'), { recursive: true });
    chmodSync(open, 0o777);
    expect(() => checkParents(join(open, 'deeper', 'tsplay-0'))).toThrow(
      expect.objectContaining({ code: 'PERSIST_UNSAFE', message: expect.stringContaining(open) }),
    );
  });

  it('refuses a parent owned by another user', () => {
    const theirs = join(root, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    expect(() => checkParents(join(theirs, 'tsplay-0'))).toThrow(expect.objectContaining({ code: 'PERSIST_UNSAFE' }));
  });

  it("checks the daemon's socket and its process: this user's, in the directory; another user's process is refused", async () => {
    const dir = join(root, 'sock');
    mkdirSync(dir, { mode: 0o700 });
    const socket = join(dir, 'daemon.sock');
    const s = createServer();
    servers.push(s);
    await new Promise<void>((r) => s.listen(socket, r));
    chmodSync(socket, 0o600);
    expect(() => checkPeer(dir, { protocol: 1, pid: process.pid, socket, token: 't' })).not.toThrow();
    const other = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sleep', '30'], { stdio: 'ignore' });
    await new Promise((r) => other.once('spawn', r));
    // setpriv drops to uid 65534 right after it starts: wait for that
    for (let i = 0; i < 500 && statSync(`/proc/${other.pid}`).uid !== 65534; i++) await new Promise((r) => setTimeout(r, 10));
    try {
      expect(() => checkPeer(dir, { protocol: 1, pid: other.pid as number, socket, token: 't' })).toThrow(
        expect.objectContaining({ code: 'PERSIST_UNSAFE' }),
      );
    } finally {
      other.kill('SIGKILL');
    }
    expect(() => checkPeer(dir, { protocol: 1, pid: process.pid, socket: join(root, 'elsewhere.sock'), token: 't' })).toThrow(
      expect.objectContaining({ code: 'PERSIST_UNSAFE' }),
    );
    chmodSync(socket, 0o666);
    expect(() => checkPeer(dir, { protocol: 1, pid: process.pid, socket, token: 't' })).toThrow(
      expect.objectContaining({ code: 'PERSIST_UNSAFE' }),
    );
  });
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameReader, encodeFrame, type Frame } from './frame.js';
import type { DaemonInfo } from './safe.js';

// The resident runner's daemon side with a stub program (fixtures/resident-daemon.ts) and the thin client
// (fixtures/resident-client.ts), each in its own process; the oracles are stat, the kernel's refusal of
// another uid, and what the hosted program saw.
const root = mkdtempSync(join(tmpdir(), 'tsplay-resident-'));
const watched = join(root, 'watched.js');
const dir = join(root, 'd');
// tsx by its file (the processes run in `root`, where a bare `tsx` does not resolve)
const tsxLoader = pathToFileURL(join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'loader.mjs')).href;
const tsx = (file: string, args: string[], env: Record<string, string> = {}, cwd = root) =>
  spawn(process.execPath, ['--conditions=@tsplay/source', '--import', tsxLoader, join(import.meta.dirname, 'fixtures', file), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    cwd,
  });
let daemon: ChildProcess;

function ended(p: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  p.stdout?.on('data', (b: Buffer) => (stdout += b));
  p.stderr?.on('data', (b: Buffer) => (stderr += b));
  return new Promise((r) => p.on('close', (code) => r({ code, stdout, stderr })));
}
const client = (args: string[], env: Record<string, string> = {}) => ended(tsx('resident-client.ts', [dir, ...args], env));
const info = (): DaemonInfo => JSON.parse(readFileSync(join(dir, 'daemon.json'), 'utf8')) as DaemonInfo;

/** Until `p` printed `line` on stdout. */
const printed = (p: ChildProcess, line: string): Promise<void> =>
  new Promise((resolve, reject) => {
    let out = '';
    p.stdout?.on('data', (b: Buffer) => {
      out += b;
      if (out.includes(line)) resolve();
    });
    p.on('close', () => reject(new Error(`exited before printing ${line}: ${out}`)));
  });

beforeAll(async () => {
  writeFileSync(watched, 'export {};\n');
  daemon = tsx('resident-daemon.ts', [dir, watched], {}, '/');
  await printed(daemon, 'READY');
});
afterAll(() => {
  daemon?.kill();
  rmSync(root, { recursive: true, force: true });
});

/** A raw socket to the daemon: the frames it answered before it closed the socket (a test that hangs here fails by timeout). */
async function raw(frames: Record<string, unknown>[]): Promise<Frame[]> {
  const s = createConnection(info().socket);
  const reader = new FrameReader();
  const got: Frame[] = [];
  s.on('data', (b: Buffer) => got.push(...reader.push(b)));
  s.on('error', () => undefined);
  await new Promise((r) => s.once('connect', r));
  for (const f of frames) s.write(encodeFrame(f));
  await new Promise((r) => s.once('close', r));
  return got;
}

describe('resident runner: security', () => {
  it('the directory is 0700, the socket and daemon.json 0600, all owned by this user', () => {
    const uid = process.getuid?.();
    for (const [p, mode] of [
      [dir, 0o700],
      [info().socket, 0o600],
      [join(dir, 'daemon.json'), 0o600],
    ] as const) {
      const s = statSync(p);
      expect([p, s.mode & 0o777, s.uid]).toEqual([p, mode, uid]);
    }
  });

  it('a wrong token is refused and the socket closed; a run before hello closes the socket unanswered', async () => {
    const wrong = await raw([{ t: 'hello', id: 1, token: 'f'.repeat(64), protocol: 1 }]);
    expect(wrong.map((f) => f.head)).toEqual([
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'PERSIST_REFUSED' }) }),
    ]);
    const early = await raw([{ t: 'run', id: 1, argv: ['env', 'HOME'], env: {}, cwd: '/', umask: 18, persistMs: 0 }]);
    expect(early).toEqual([]);
  });

  it('another user cannot connect: the kernel refuses the socket (0700 directory, 0600 socket)', () => {
    const r = spawnSync(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        '-e',
        `require('net').connect(${JSON.stringify(info().socket)}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(3)})`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('EACCES');
  });

  it('the client refuses a daemon.json others can read, and a socket of another user', async () => {
    const file = join(dir, 'daemon.json');
    chmodSync(file, 0o644);
    const loose = await client(['env', 'HOME']);
    chmodSync(file, 0o600);
    expect(loose.stdout).toMatch(/FALLBACK: .*daemon\.json has mode 644/);
    chownSync(info().socket, 65534, 65534);
    const foreign = await client(['env', 'HOME']);
    chownSync(info().socket, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    expect(foreign.stdout).toMatch(/FALLBACK: .*\.sock is owned by uid 65534/);
  });
});

describe('resident runner: each run its own process state', () => {
  it('the env of one run does not reach the next (two runs, one daemon)', async () => {
    const a = await client(['env', 'TSPLAY_LEAK_PROBE'], { TSPLAY_LEAK_PROBE: 'first' });
    const b = await client(['env', 'TSPLAY_LEAK_PROBE']);
    expect([a.stdout, b.stdout]).toEqual(['TSPLAY_LEAK_PROBE=first\n', 'TSPLAY_LEAK_PROBE=(unset)\n']);
    expect(info().pid).toBe(daemon.pid);
  });

  it("the run's cwd and umask are the client's, and the daemon's come back after it", async () => {
    const r = await client(['cwd']);
    expect(r.stdout).toBe(`${root} umask=${process.umask().toString(8)}\n`);
    expect(spawnSync('readlink', [`/proc/${daemon.pid}/cwd`], { encoding: 'utf8' }).stdout.trim()).toBe('/');
  });

  it("exit code and stderr are the run's own", async () => {
    const [x, y] = [await client(['exit', '7', 'seven']), await client(['exit', '0', 'zero'])];
    expect([x.code, x.stderr, y.code, y.stderr]).toEqual([7, 'seven\n', 0, 'zero\n']);
  });

  it('a second client is told the runner is busy; Ctrl-C reaches the run', async () => {
    const first = tsx('resident-client.ts', [dir, 'wait']);
    const done = ended(first);
    await printed(first, 'WAITING');
    const second = await client(['env', 'HOME']);
    expect(second.stdout).toMatch(/FALLBACK: the resident runner is busy/);
    first.kill('SIGINT');
    const r = await done;
    expect([r.code, r.stderr]).toEqual([130, 'got SIGINT\n']);
  });
});

/** Whether the socket still accepts connections. */
const listening = (socket: string): Promise<boolean> =>
  new Promise((r) =>
    createConnection(socket)
      .once('connect', function (this: Socket) {
        this.destroy();
        r(true);
      })
      .once('error', () => r(false)),
  );

describe('resident runner: staleness and crashes', () => {
  it('a changed file it loaded makes it refuse the run and retire (unpublished, no longer listening)', async () => {
    expect((await client(['exit', '0', 'fresh'])).code).toBe(0);
    const { socket } = info();
    writeFileSync(watched, 'export const changed = 1;\n');
    const r = await client(['exit', '0', 'stale']);
    expect(r.stdout).toMatch(new RegExp(`FALLBACK: a file the resident runner loaded changed \\(${watched}\\)`));
    expect([existsSync(join(dir, 'daemon.json')), await listening(socket)]).toEqual([false, false]);
  });

  it('an unhandled rejection fails the run as its own process would (exit 1, the error on stderr) and retires the daemon', async () => {
    const d2 = join(root, 'd2');
    const other = tsx('resident-daemon.ts', [d2], {}, '/');
    await printed(other, 'READY');
    const r = await ended(tsx('resident-client.ts', [d2, 'reject']));
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('Error: left unhandled')]);
    expect(existsSync(join(d2, 'daemon.json'))).toBe(false);
    other.kill();
  });
});

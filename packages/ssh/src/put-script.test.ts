import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostRunStart, putError, putScript } from './put-script.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsplay-put-'));
  await chmod(dir, 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function sh(script: string, input: string, env: NodeJS.ProcessEnv = process.env): { code: number; stdout: Buffer; stderr: Buffer } {
  const r = spawnSync('/bin/sh', ['-c', script], { input, env });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

describe('putScript (run under /bin/sh)', () => {
  it('writes the file whole, with mode and owner, and leaves no temp file; no mode gives 0600', async () => {
    const p = join(dir, "it's here.conf");
    expect(sh(putScript(p, 6, { mode: 0o640, owner: 'root', group: 'root' }), 'hello\n').code).toBe(0);
    expect(await readFile(p, 'utf8')).toBe('hello\n');
    expect((await stat(p)).mode & 0o7777).toBe(0o640);
    await writeFile(join(dir, 'open'), 'old', { mode: 0o644 });
    expect(sh(putScript(join(dir, 'open'), 3, {}), 'new').code).toBe(0);
    expect((await stat(join(dir, 'open'))).mode & 0o7777).toBe(0o600);
    expect((await readdir(dir)).filter((n) => n.includes('tsplay'))).toEqual([]);
  });

  it('a short upload fails, keeps the old file and removes its temp file', async () => {
    const p = join(dir, 'short');
    await writeFile(p, 'old');
    const r = sh(putScript(p, 100, {}), 'cut');
    expect(r.code).not.toBe(0);
    expect(putError(r, p, 'h1')).toMatchObject({ code: 'WRITE_FAILED', host: 'h1' });
    expect(r.stderr.toString()).toContain('incomplete upload (3 of 100 bytes)');
    expect(await readFile(p, 'utf8')).toBe('old');
    expect((await readdir(dir)).filter((n) => n.startsWith('.short'))).toEqual([]);
  });

  it('a world-writable directory is refused as UNSAFE_PATH naming it', async () => {
    const ww = join(dir, 'ww');
    await mkdir(ww);
    await chmod(ww, 0o777);
    const r = sh(putScript(join(ww, 'f'), 1, {}), 'x');
    expect(putError(r, join(ww, 'f'), 'h1')).toMatchObject({ code: 'UNSAFE_PATH', host: 'h1', field: ww });
  });
});

describe('stale temp files: the cut-off is a time on the host clock', () => {
  it('a temp file made after the run started is kept however late the script runs (host clock 60 s on)', async () => {
    const d = join(dir, 'late');
    await mkdir(d);
    const start = Date.now() - 1000;
    const at = async (name: string, ms: number): Promise<void> => {
      await writeFile(join(d, name), 'x');
      await utimes(join(d, name), ms / 1000, ms / 1000);
    };
    await at('.old.tsplay-0123456789ab', start - 3_600_000);
    await at('.older.tsplay-Ab12Cd', start - 1);
    await at('.inflight.tsplay-Zz99Yy', start + 10); // another write of this run, still being written
    // The exec reaches the host a minute after the script was made: a `date` in PATH says so.
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'date'), '#!/bin/sh\nexec /bin/date -d @$(( $(/bin/date +%s) + 60 )) "$@"\n', { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    expect(sh(putScript(join(d, 'f'), 1, {}, start), 'x', env).code).toBe(0);
    expect((await readdir(d)).sort()).toEqual(['.inflight.tsplay-Zz99Yy', 'f']);
  });

  it("hostRunStart is never later than the run's true start, even when the answer comes back late", async () => {
    const since = Date.now() - 1000;
    const slow = async (cmd: string) => {
      const r = spawnSync('/bin/sh', ['-c', cmd]);
      await new Promise((res) => setTimeout(res, 300)); // the answer travels back slowly
      return { code: r.status ?? 1, stdout: r.stdout };
    };
    const t = await hostRunStart(slow, since);
    expect(t).toBeDefined();
    expect(t!).toBeLessThanOrEqual(since);
    expect(await hostRunStart(async () => ({ code: 0, stdout: '1700000000%N\n' }), since)).toBeUndefined();
  });
});

import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from './local.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsplay-local-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function aged(name: string, ageS: number): Promise<void> {
  await writeFile(join(dir, name), 'partial');
  const t = Date.now() / 1000 - ageS;
  await utimes(join(dir, name), t, t);
}

describe('LocalConnection', () => {
  it('a put removes tsplay temp files older than the run from the target directory, and nothing else', async () => {
    await aged('.unit.service.tsplay-00112233aabb', 7200);
    await aged('.etcd.tar.gz.tsplay-Q1w2E3', 7200);
    await aged('.unit.service.tsplay-00112233aabbcc', 7200); // 14 hex: not a name tsplay makes
    await aged('.vimrc', 7200);
    await aged('.fresh.tsplay-ffeeddccbbaa', 0); // written now: this run's
    await new LocalConnection('ws').put(join(dir, 'unit.service'), 'ok\n', { mode: 0o600 });
    expect((await readdir(dir)).sort()).toEqual(
      ['.fresh.tsplay-ffeeddccbbaa', '.unit.service.tsplay-00112233aabbcc', '.vimrc', 'unit.service'].sort(),
    );
    expect(await readFile(join(dir, 'unit.service'), 'utf8')).toBe('ok\n');
  });

  it('put goes through the safe write: a world-writable directory is refused as UNSAFE_PATH, and no mode gives 0600', async () => {
    const ww = join(dir, 'ww');
    await mkdir(ww);
    await chmod(ww, 0o777);
    await expect(new LocalConnection('ws').put(join(ww, 'f'), 'x')).rejects.toMatchObject({ code: 'UNSAFE_PATH', field: ww, host: 'ws' });
    expect(await readdir(ww)).toEqual([]);
    await writeFile(join(dir, 'was-open'), 'old', { mode: 0o644 });
    await new LocalConnection('ws').put(join(dir, 'was-open'), 'secret');
    expect((await stat(join(dir, 'was-open'))).mode & 0o7777).toBe(0o600);
  });

  it('hold: runs with stdin open until released; ready() decides when it resolves; an early exit is returned', async () => {
    const conn = new LocalConnection('ws');
    const marker = join(dir, 'held-done');
    const h = await conn.hold(`echo READY; cat >/dev/null; echo released > ${marker}`, { ready: (o) => o.includes('READY\n') });
    expect(h.exit).toBeUndefined();
    expect(h.stdout).toBe('READY\n');
    await expect(readFile(marker, 'utf8')).rejects.toThrow();
    await conn.close();
    expect(await readFile(marker, 'utf8')).toBe('released\n');
    const early = await conn.hold('echo nope >&2; exit 7', { ready: () => false });
    expect(early.exit).toMatchObject({ code: 7, stderr: 'nope\n' });
  });
});

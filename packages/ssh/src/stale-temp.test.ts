import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshConnection } from './index.js';
import { startSshd, type TestSshd } from './testing/index.js';

let sshd: TestSshd;
let conn: SshConnection;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize('root');
  dir = await mkdtemp(join(tmpdir(), 'tsplay-stale-'));
});
afterAll(async () => {
  await conn?.close();
  await sshd?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, ageS: number): Promise<void> {
  const p = join(dir, name);
  await writeFile(p, 'partial');
  const t = Date.now() / 1000 - ageS;
  await utimes(p, t, t);
}

describe('stale temp files left by an interrupted write', () => {
  it('the next put into that directory removes only tsplay-named temp files older than the run', async () => {
    // left by an earlier, interrupted run (an hour ago): put's 12-hex name and the download script's mktemp name
    await file('.etcd.service.tsplay-0123456789ab', 3600);
    await file('.etcd-v3.4.23-linux-amd64.tar.gz.tsplay-Xy12Zq', 3600);
    // not ours, whatever their age
    await file('.etcd.service.tsplay-short', 3600);
    await file('etcd.service.tsplay-0123456789ab', 3600);
    await file('.etcd.service.swp', 3600);
    await mkdir(join(dir, '.somedir.tsplay-aaaaaaaaaaaa'));
    conn = await connectSsh(sshd.spec('root'), { env: {}, home: join(sshd.dir, 'home') });
    // made during this run (another write in flight): newer than the run, kept
    await file('.kube.conf.tsplay-ba9876543210', 0);
    await conn.put(join(dir, 'new.conf'), 'whole\n', { mode: 0o644 });
    expect((await readdir(dir)).sort()).toEqual(
      [
        '.etcd.service.swp',
        '.etcd.service.tsplay-short',
        '.kube.conf.tsplay-ba9876543210',
        '.somedir.tsplay-aaaaaaaaaaaa',
        'etcd.service.tsplay-0123456789ab',
        'new.conf',
      ].sort(),
    );
  });
});

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { task } from '@tsplay/core';
import { describe, expect, it } from 'vitest';
import { countedRun } from '../testing/counted-run.js';
import { file } from '../file/index.js';
import { useFixture } from '../testing/fixture.js';
import { startReleaseFixture } from '../testing/release-server.js';
import { sha256Hex } from '../testing/tree-snapshot.js';
import { download } from './index.js';

const fx = useFixture(startReleaseFixture, (f) => f.close());

/** A real run on a local host: a download, then two directories; its execs and puts counted. */
async function run(dir: string) {
  const dl = { url: fx.tarballUrl, dest: join(dir, 'etcd.tar.gz'), checksum: `sha256:${fx.tarball.sha256}`, caFile: fx.pki.caFile };
  return countedRun([
    task(download, { ...dl, mode: '0640' }, { name: 'fetch' }),
    task(file, { path: join(dir, 'conf'), state: 'directory', mode: '0750' }, { name: 'conf dir' }),
    task(file, { path: join(dir, 'data'), state: 'directory', mode: '0700' }, { name: 'data dir' }),
  ]);
}

describe('download in a real run: the download and the tasks after it in one exec', () => {
  it('a fresh run is the probe and one exec (was 3), the URL on that exec stdin; the host agrees; a re-run is one exec', async () => {
    const dir = fx.freshDir('pb');
    const first = await run(dir);
    expect(first.results).toEqual(['fetch:changed', 'conf dir:changed', 'data dir:changed']);
    expect(first.execs).toHaveLength(2);
    expect(first.execs[1]).toContain('curl');
    expect(first.execs[1]).not.toContain(fx.tarballUrl);
    const mode = (p: string) => (statSync(join(dir, p)).mode & 0o7777).toString(8);
    expect(['etcd.tar.gz', 'conf', 'data'].map(mode)).toEqual(['640', '750', '700']);
    expect(sha256Hex(readFileSync(join(dir, 'etcd.tar.gz')))).toBe(fx.tarball.sha256);
    const again = await run(dir);
    expect(again.results).toEqual(['fetch:ok', 'conf dir:ok', 'data dir:ok']);
    expect(again.execs).toHaveLength(1);
  });
});

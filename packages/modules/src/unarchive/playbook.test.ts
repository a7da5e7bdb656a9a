import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { task } from '@tsplay/core';
import { describe, expect, it } from 'vitest';
import { countedRun } from '../testing/counted-run.js';
import { copy } from '../copy/index.js';
import { file } from '../file/index.js';
import { useTarballDir } from '../testing/fixture.js';
import { unarchive } from './index.js';

const t = useTarballDir('tsplay-unarchive-pb-');

/** A real run on a local host (the etcd role's steps 2-3): unarchive, then two directories; its execs and puts counted. */
async function run(dir: string) {
  return countedRun([
    task(
      unarchive,
      { src: t.tb.path, dest: join(dir, 'bin'), include: ['*/etcd', '*/etcdctl'], stripComponents: 1, mode: '0755' },
      { name: 'binaries' },
    ),
    task(file, { path: join(dir, 'conf'), state: 'directory' }, { name: 'conf dir' }),
    task(file, { path: join(dir, 'data'), state: 'directory', mode: '0700' }, { name: 'data dir' }),
  ]);
}

describe('unarchive in a real run: the extraction and the tasks after it in one exec', () => {
  it('a fresh run is the probe and one exec (was 3: the extraction had its own), the host agrees; a re-run is one exec', async () => {
    const dir = join(t.root, 'host');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const first = await run(dir);
    expect(first.results).toEqual(['binaries:changed', 'conf dir:changed', 'data dir:changed']);
    // the probe; then the extraction and both directories in one script
    expect(first.execs).toHaveLength(2);
    expect(first.execs[1]).toContain('tar -x');
    expect(first.execs[1]).toContain(join(dir, 'data'));
    const mode = (p: string) => (statSync(join(dir, p)).mode & 0o7777).toString(8);
    expect(['bin/etcd', 'bin/etcdctl', 'conf', 'data'].map(mode)).toEqual(['755', '755', '755', '700']);
    expect(statSync(join(dir, 'conf')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, 'bin', 'etcd'), 'utf8')).toBe(t.tb.members.etcd);
    expect(readFileSync(join(dir, 'bin', 'etcdctl'), 'utf8')).toBe(t.tb.members.etcdctl);
    const again = await run(dir);
    expect(again.results).toEqual(['binaries:ok', 'conf dir:ok', 'data dir:ok']);
    expect(again.execs).toHaveLength(1);
  });

  it('the archive written by the task before it (a download, a copy): both in one exec after the probe, as a fresh extraction', async () => {
    const dir = join(t.root, 'fetched');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const src = join(dir, 'release.tar.gz');
    const tasks = (include: string[]) => [
      task(copy, { src: t.tb.path, dest: src, mode: '0644' }, { name: 'archive' }),
      task(unarchive, { src, dest: join(dir, 'bin'), include, stripComponents: 1, mode: '0755' }, { name: 'binaries' }),
      task(file, { path: join(dir, 'conf'), state: 'directory' }, { name: 'conf dir' }),
    ];
    const first = await countedRun(tasks(['*/etcd', '*/etcdctl']));
    expect(first.results).toEqual(['archive:changed', 'binaries:changed', 'conf dir:changed']);
    expect(first.execs).toHaveLength(2);
    expect(first.execs[1]).toContain('tar -x');
    expect(readFileSync(join(dir, 'bin', 'etcd'), 'utf8')).toBe(t.tb.members.etcd);
    expect(readFileSync(join(dir, 'bin', 'etcdctl'), 'utf8')).toBe(t.tb.members.etcdctl);
    expect((statSync(join(dir, 'bin', 'etcdctl')).mode & 0o7777).toString(8)).toBe('755');
    // a pattern that does not name its target: what extracting changes depends on the archive, probed after it is written
    const other = join(t.root, 'fetched-wild');
    mkdirSync(join(other, 'bin'), { recursive: true });
    const wild = await countedRun([
      task(copy, { src: t.tb.path, dest: join(other, 'r.tar.gz'), mode: '0644' }, { name: 'archive' }),
      task(
        unarchive,
        { src: join(other, 'r.tar.gz'), dest: join(other, 'bin'), include: ['*/etcd*'], stripComponents: 1 },
        { name: 'binaries' },
      ),
    ]);
    expect(wild.results).toEqual(['archive:changed', 'binaries:changed']);
    expect(wild.execs.length).toBeGreaterThan(2);
    expect(readFileSync(join(other, 'bin', 'etcd'), 'utf8')).toBe(t.tb.members.etcd);
  });
});

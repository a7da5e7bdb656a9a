import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyContext } from '@tsplay/core';
import { Overlay, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { seedArgs as seed, useTarballDir } from '../testing/fixture.js';
import { sha256Hex } from '../testing/tree-snapshot.js';
import { unarchiveArgsSchema } from './args.js';
import { applyUnarchive } from './apply.js';
import { unarchive } from './index.js';

const conn = new LocalConnection('local');
const t = useTarballDir('tsplay-unarchive-err-');
const freshDest = () => t.freshDest();
const seedArgs = (dest: string, extra: Record<string, unknown> = {}) => seed(t.tb, dest, extra);

describe('unarchive argument errors', () => {
  it.each([
    ['a decimal mode', { mode: 755 }, 'mode'],
    ['a bad octal mode', { mode: '0999' }, 'mode'],
    ['a negative stripComponents', { stripComponents: -1 }, 'stripComponents'],
    ['a relative src', { src: 'etcd.tar.gz' }, 'src'],
    ['a relative dest', { dest: 'bin' }, 'dest'],
    ['an empty include list', { include: [] }, 'include'],
    ['an include that is a string', { include: '*/etcd' }, 'include'],
  ])('rejects %s with ARGS_INVALID naming the field', async (_what, extra, field) => {
    const dest = freshDest();
    const r = await executeModule(conn, unarchive, seedArgs(dest, extra));
    expect(r.error?.code).toBe('ARGS_INVALID');
    expect(r.error?.field).toBe(field);
    expect(readdirSync(dest)).toEqual([]);
  });
});

describe('unarchive failures', () => {
  it('a missing archive fails in plan with ARCHIVE_FAILED naming src', async () => {
    const r = await executeModule(conn, unarchive, seedArgs(freshDest(), { src: join(t.root, 'nope.tar.gz') }), {
      check: true,
      overlay: new Overlay(),
    });
    expect(r.error?.code).toBe('ARCHIVE_FAILED');
    expect(r.error?.field).toBe('src');
  });

  it('an include pattern that matches nothing fails naming include', async () => {
    const dest = freshDest();
    const r = await executeModule(conn, unarchive, seedArgs(dest, { include: ['*/etcd', '*/kubectl'] }));
    expect(r.error?.code).toBe('ARCHIVE_FAILED');
    expect(r.error?.field).toBe('include');
    expect(r.error?.message).toContain('kubectl');
    expect(readdirSync(dest)).toEqual([]);
  });

  it('a file that is not an archive fails with ARCHIVE_FAILED', async () => {
    const bogus = join(t.root, 'bogus.tar.gz');
    writeFileSync(bogus, 'this is not gzip');
    const r = await executeModule(conn, unarchive, seedArgs(freshDest(), { src: bogus }));
    expect(r.error?.code).toBe('ARCHIVE_FAILED');
  });

  it('a missing dest directory fails in plan naming dest', async () => {
    const r = await executeModule(conn, unarchive, seedArgs(join(t.root, 'no-such-dir')), { check: true, overlay: new Overlay() });
    expect(r.error?.code).toBe('WRITE_FAILED');
    expect(r.error?.field).toBe('dest');
  });

  it('a directory in the way of a member fails with WRITE_FAILED, leaving no temp dir and the directory intact', async () => {
    const dest = freshDest();
    mkdirSync(join(dest, 'etcdctl'));
    writeFileSync(join(dest, 'etcdctl', 'keep'), 'mine');
    const r = await executeModule(conn, unarchive, seedArgs(dest));
    expect(r.error?.code).toBe('WRITE_FAILED');
    expect(readFileSync(join(dest, 'etcdctl', 'keep'), 'utf8')).toBe('mine');
    expect(readdirSync(dest).filter((f) => f.startsWith('.tsplay'))).toEqual([]);
  });

  it('an archive that changed after planning replaces nothing', async () => {
    const dest = freshDest();
    writeFileSync(join(dest, 'etcd'), 'old etcd');
    const args = unarchiveArgsSchema.parse(seedArgs(dest));
    const plan = {
      changed: true,
      data: { install: [{ path: 'etcd', type: 'file' as const, mode: 0o755, sha256: sha256Hex('what the plan saw') }] },
    };
    const ctx: ApplyContext = {
      facts: {},
      conn,
      host: 'local',
      task: 't',
      become: false,
      check: false,
      log: () => undefined,
      signal: new AbortController().signal,
      baseDir: '/',
    };
    await expect(applyUnarchive(ctx, args, plan)).rejects.toMatchObject({ code: 'ARCHIVE_FAILED' });
    expect(readFileSync(join(dest, 'etcd'), 'utf8')).toBe('old etcd');
    expect(readdirSync(dest)).toEqual(['etcd']);
    expect(statSync(join(dest, 'etcd')).mode & 0o7777).not.toBe(0o755);
  });
});

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Overlay, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { seedArgs as seed, useTarballDir } from '../testing/fixture.js';
import { sha256Hex, snapshotTree } from '../testing/tree-snapshot.js';
import { unarchive } from './index.js';

const conn = new LocalConnection('local');
const t = useTarballDir('tsplay-unarchive-local-');
const freshDest = () => t.freshDest();
const localArgs = (dest: string, extra: Record<string, unknown> = {}) => seed(t.tb, dest, { copyFromLocal: true, ...extra });

describe('unarchive with copyFromLocal', () => {
  it('check on a fresh dest predicts the members from the workstation archive and touches nothing', async () => {
    const dest = freshDest();
    const before = snapshotTree(dest);
    const overlay = new Overlay();
    const r = await executeModule(conn, unarchive, localArgs(dest), { check: true, overlay });
    expect(r.error).toBeUndefined();
    expect(r.outcome.status).toBe('changed');
    expect(r.outcome.data).toEqual({ dest, files: ['etcd', 'etcdctl'] });
    expect(overlay.path(join(dest, 'etcdctl'))?.sha256).toBe(sha256Hex(t.tb.members.etcdctl));
    expect(snapshotTree(dest)).toEqual(before);
  });

  it('uploads and extracts, then is unchanged without uploading; repairs one member', async () => {
    const dest = freshDest();
    const first = await executeModule(conn, unarchive, localArgs(dest));
    expect(first.error).toBeUndefined();
    expect(first.outcome.status).toBe('changed');
    expect(readdirSync(dest).sort()).toEqual(['etcd', 'etcdctl']);
    expect(readFileSync(join(dest, 'etcd'), 'utf8')).toBe(t.tb.members.etcd);
    expect(statSync(join(dest, 'etcd')).mode & 0o7777).toBe(0o755);

    const dirMtime = statSync(dest).mtimeMs;
    const second = await executeModule(conn, unarchive, localArgs(dest));
    expect(second.outcome.status).toBe('ok');
    expect(statSync(dest).mtimeMs).toBe(dirMtime);
    const plan = await executeModule(conn, unarchive, localArgs(dest), { check: true, overlay: new Overlay() });
    expect(plan.plan?.changed).toBe(false);

    writeFileSync(join(dest, 'etcdctl'), 'junk');
    const fix = await executeModule(conn, unarchive, localArgs(dest));
    expect(fix.outcome.data).toEqual({ dest, files: ['etcdctl'] });
    expect(readFileSync(join(dest, 'etcdctl'), 'utf8')).toBe(t.tb.members.etcdctl);
    expect(readdirSync(dest).sort()).toEqual(['etcd', 'etcdctl']);
  });

  it('removes the uploaded archive when extraction fails', async () => {
    const dest = freshDest();
    mkdirSync(join(dest, 'etcdctl'));
    const r = await executeModule(conn, unarchive, localArgs(dest));
    expect(r.error?.code).toBe('WRITE_FAILED');
    expect(readdirSync(dest).filter((f) => f.startsWith('.tsplay'))).toEqual([]);
  });

  it('resolves a relative src against the working directory', async () => {
    const dest = freshDest();
    const r = await executeModule(conn, unarchive, localArgs(dest, { src: relative(process.cwd(), t.tb.path) }));
    expect(r.error).toBeUndefined();
    expect(r.outcome.status).toBe('changed');
  });

  it('a missing workstation archive fails naming src', async () => {
    const r = await executeModule(conn, unarchive, localArgs(freshDest(), { src: join(t.root, 'nope.tgz') }), {
      check: true,
      overlay: new Overlay(),
    });
    expect(r.error?.code).toBe('ARCHIVE_FAILED');
    expect(r.error?.field).toBe('src');
    expect(r.error?.message).toContain('on the workstation');
  });

  it('an include that matches nothing in the workstation archive fails naming include', async () => {
    const r = await executeModule(conn, unarchive, localArgs(freshDest(), { include: ['*/nothing'] }));
    expect(r.error?.code).toBe('ARCHIVE_FAILED');
    expect(r.error?.field).toBe('include');
  });
});

import { chmodSync, mkdirSync, rmSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Overlay, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedArgs as seed, useTarballDir } from '../testing/fixture.js';
import { requireRoot } from '../testing/require-root.js';
import { sha256Hex, snapshotTree } from '../testing/tree-snapshot.js';
import { unarchive } from './index.js';

const conn = new LocalConnection('local');
const t = useTarballDir('tsplay-unarchive-test-');
const freshDest = () => t.freshDest();
const seedArgs = (dest: string, extra: Record<string, unknown> = {}) => seed(t.tb, dest, extra);
let privateTmp: string;

beforeAll(() => {
  // A private $TMPDIR lets us prove the probe and apply leave nothing there.
  privateTmp = join(t.root, 'tmp');
  mkdirSync(privateTmp);
  process.env.TMPDIR = privateTmp;
});
afterAll(() => {
  delete process.env.TMPDIR;
});

const tmpLeftovers = () => readdirSync(privateTmp);

describe('unarchive', () => {
  it('extracts the matching members, then is unchanged on a second apply and in plan', async () => {
    const dest = freshDest();
    const first = await executeModule(conn, unarchive, seedArgs(dest));
    expect(first.error).toBeUndefined();
    expect(first.outcome.status).toBe('changed');
    expect(first.outcome.data).toEqual({ dest, files: ['etcd', 'etcdctl'] });
    expect(readdirSync(dest).sort()).toEqual(['etcd', 'etcdctl']);
    expect(readFileSync(join(dest, 'etcd'), 'utf8')).toBe(t.tb.members.etcd);
    expect(readFileSync(join(dest, 'etcdctl'), 'utf8')).toBe(t.tb.members.etcdctl);
    expect(statSync(join(dest, 'etcd')).mode & 0o7777).toBe(0o755);
    expect(tmpLeftovers()).toEqual([]);

    const second = await executeModule(conn, unarchive, seedArgs(dest));
    expect(second.error).toBeUndefined();
    expect(second.outcome.status).toBe('ok');
    const plan = await executeModule(conn, unarchive, seedArgs(dest), { check: true, overlay: new Overlay() });
    expect(plan.plan?.changed).toBe(false);
    expect(tmpLeftovers()).toEqual([]);
  });

  it('a real run into fresh targets extracts without reading the archive in plan, keeping the archive modes without `mode`', async () => {
    const dest = freshDest();
    const args = seedArgs(dest, { mode: undefined });
    const r = await executeModule(conn, unarchive, args);
    expect(r.error).toBeUndefined();
    expect(r.plan?.summary).toBe(`would extract 2 member(s) into ${dest}: etcd (missing), etcdctl (missing)`);
    expect(r.outcome.data).toEqual({ dest, files: ['etcd', 'etcdctl'] });
    expect(statSync(join(dest, 'etcdctl')).mode & 0o7777).toBe(0o700);
    expect(readFileSync(join(dest, 'etcdctl'), 'utf8')).toBe(t.tb.members.etcdctl);
    expect((await executeModule(conn, unarchive, args)).outcome.status).toBe('ok');
    expect(tmpLeftovers()).toEqual([]);
  });

  it('check mode on a fresh dest predicts both files with their sha256 and touches nothing', async () => {
    const dest = freshDest();
    const before = snapshotTree(dest);
    const archiveBefore = statSync(t.tb.path).mtimeMs;
    const overlay = new Overlay();
    const r = await executeModule(conn, unarchive, seedArgs(dest), { check: true, overlay });
    expect(r.error).toBeUndefined();
    expect(r.outcome.status).toBe('changed');
    expect(r.outcome.summary).toBe(`would extract 2 of 2 member(s) into ${dest}: etcd (missing), etcdctl (missing)`);
    expect(r.outcome.data).toEqual({ dest, files: ['etcd', 'etcdctl'] });
    expect(overlay.path(join(dest, 'etcd'))).toMatchObject({
      exists: true,
      type: 'file',
      mode: 0o755,
      sha256: sha256Hex(t.tb.members.etcd),
    });
    expect(overlay.path(join(dest, 'etcdctl'))?.sha256).toBe(sha256Hex(t.tb.members.etcdctl));
    expect(snapshotTree(dest)).toEqual(before);
    expect(statSync(t.tb.path).mtimeMs).toBe(archiveBefore);
  });

  it('repairs only the member that changed, then one that was deleted, then a mode', async () => {
    const dest = freshDest();
    expect((await executeModule(conn, unarchive, seedArgs(dest))).outcome.status).toBe('changed');
    const etcdIno = statSync(join(dest, 'etcd')).ino;
    writeFileSync(join(dest, 'etcdctl'), 'junk');
    const fix = await executeModule(conn, unarchive, seedArgs(dest));
    expect(fix.outcome.status).toBe('changed');
    expect(fix.outcome.summary).toContain('etcdctl (content differs)');
    expect(fix.outcome.data).toEqual({ dest, files: ['etcdctl'] });
    expect(readFileSync(join(dest, 'etcdctl'), 'utf8')).toBe(t.tb.members.etcdctl);
    expect(statSync(join(dest, 'etcd')).ino).toBe(etcdIno);

    rmSync(join(dest, 'etcd'));
    const fix2 = await executeModule(conn, unarchive, seedArgs(dest));
    expect(fix2.outcome.data).toEqual({ dest, files: ['etcd'] });
    expect(readFileSync(join(dest, 'etcd'), 'utf8')).toBe(t.tb.members.etcd);

    chmodSync(join(dest, 'etcdctl'), 0o700);
    const plan = await executeModule(conn, unarchive, seedArgs(dest), { check: true, overlay: new Overlay() });
    expect(plan.outcome.summary).toContain('etcdctl (mode 0700 -> 0755)');
    const fix3 = await executeModule(conn, unarchive, seedArgs(dest));
    expect(fix3.outcome.data).toEqual({ dest, files: ['etcdctl'] });
    expect(statSync(join(dest, 'etcdctl')).mode & 0o7777).toBe(0o755);
    expect((await executeModule(conn, unarchive, seedArgs(dest))).outcome.status).toBe('ok');
    expect(readdirSync(dest).sort()).toEqual(['etcd', 'etcdctl']);
  });

  it('without include extracts the whole tree with the archive modes', async () => {
    const dest = freshDest();
    const a = { src: t.tb.path, dest };
    const r = await executeModule(conn, unarchive, a);
    expect(r.error).toBeUndefined();
    expect(r.outcome.data).toEqual({
      dest,
      files: [
        'etcd-v3.4.15-linux-amd64',
        'etcd-v3.4.15-linux-amd64/README.md',
        'etcd-v3.4.15-linux-amd64/etcd',
        'etcd-v3.4.15-linux-amd64/etcdctl',
      ],
    });
    expect(statSync(join(dest, 'etcd-v3.4.15-linux-amd64/README.md')).mode & 0o7777).toBe(0o600);
    expect(statSync(join(dest, 'etcd-v3.4.15-linux-amd64/etcd')).mode & 0o7777).toBe(0o700);
    expect((await executeModule(conn, unarchive, a)).outcome.status).toBe('ok');
  });

  it('sets owner and group on the extracted files', async () => {
    requireRoot('it chowns files to nobody:nogroup');
    const dest = freshDest();
    const a = seedArgs(dest, { owner: 'nobody', group: 'nogroup' });
    expect((await executeModule(conn, unarchive, a)).outcome.status).toBe('changed');
    const st = statSync(join(dest, 'etcd'));
    expect(st.uid).toBe(65534);
    expect(st.gid).toBe(65534);
    expect((await executeModule(conn, unarchive, a)).outcome.status).toBe('ok');
    const other = await executeModule(conn, unarchive, seedArgs(dest, { owner: 'root' }), { check: true, overlay: new Overlay() });
    expect(other.outcome.summary).toContain('owner nobody -> root');
  });
});

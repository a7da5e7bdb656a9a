import { join } from 'node:path';
import { Overlay, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { download } from '../download/index.js';
import { useFixture } from '../testing/fixture.js';
import { startReleaseFixture } from '../testing/release-server.js';
import { snapshotTree } from '../testing/tree-snapshot.js';
import { unarchive } from './index.js';

const conn = new LocalConnection('local');
const fx = useFixture(startReleaseFixture, (f) => f.close());

describe('download -> unarchive through the check-mode overlay', () => {
  it('check mode on a fresh host predicts both changes without touching the disk, and the real run makes the same', async () => {
    const home = fx.freshDir('home');
    const bin = fx.freshDir('bin');
    const tarball = join(home, fx.tarball.name);
    const dl = { url: fx.tarballUrl, dest: tarball, checksum: `sha256:${fx.sumsUrl}`, caFile: fx.pki.caFile };
    const ua = { src: tarball, dest: bin, include: ['*/etcd', '*/etcdctl'], stripComponents: 1, mode: '0755' };
    const before = [snapshotTree(home), snapshotTree(bin)];

    const overlay = new Overlay();
    const c1 = await executeModule(conn, download, dl, { check: true, overlay });
    const c2 = await executeModule(conn, unarchive, ua, { check: true, overlay });
    expect(c1.error).toBeUndefined();
    expect(c2.error).toBeUndefined();
    expect([c1.outcome.status, c2.outcome.status]).toEqual(['changed', 'changed']);
    expect(c2.outcome.summary).toBe(`would extract ${tarball} (not on the host yet) into ${bin}: etcd, etcdctl`);
    expect(c2.outcome.data).toEqual({ dest: bin, files: ['etcd', 'etcdctl'] });
    expect(overlay.path(join(bin, 'etcd'))).toMatchObject({ exists: true, type: 'file', mode: 0o755 });
    expect(overlay.path(join(bin, 'etcdctl'))).toMatchObject({ exists: true, type: 'file', mode: 0o755 });
    expect([snapshotTree(home), snapshotTree(bin)]).toEqual(before);

    const r1 = await executeModule(conn, download, dl);
    const r2 = await executeModule(conn, unarchive, ua);
    expect([r1.outcome.status, r2.outcome.status]).toEqual(['changed', 'changed']);
    expect(r2.outcome.data).toEqual(c2.outcome.data);

    const again = new Overlay();
    const k1 = await executeModule(conn, download, dl, { check: true, overlay: again });
    const k2 = await executeModule(conn, unarchive, ua, { check: true, overlay: again });
    expect([k1.outcome.status, k2.outcome.status]).toEqual(['ok', 'ok']);
  });

  it('an archive predicted by an earlier task with no inferable include targets is unknown (its members decide), never a guessed change', async () => {
    const bin = fx.freshDir('bin');
    const overlay = new Overlay();
    overlay.record({ paths: { '/nowhere/x.tar.gz': { exists: true, type: 'file' } } });
    const r = await executeModule(
      conn,
      unarchive,
      { src: '/nowhere/x.tar.gz', dest: bin, include: ['*/etcd*'], stripComponents: 1 },
      { check: true, overlay },
    );
    expect(r.error).toBeUndefined();
    expect(r.outcome.status).toBe('unknown');
    expect(r.outcome.unknown).toBe(true);
    expect(r.outcome.summary).toContain('its members are not known');
    expect(overlay.unknown(bin)).toContain('which would change');
  });
});

import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { Overlay, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { useFixture } from '../testing/fixture.js';
import { startReleaseFixture } from '../testing/release-server.js';
import { sha256Hex, snapshotTree } from '../testing/tree-snapshot.js';
import { download } from './index.js';

const conn = new LocalConnection('local');
const fx = useFixture(startReleaseFixture, (f) => f.close());

function args(dir: string, extra: Record<string, unknown> = {}) {
  return {
    url: fx.tarballUrl,
    dest: join(dir, fx.tarball.name),
    checksum: `sha256:${fx.tarball.sha256}`,
    caFile: fx.pki.caFile,
    ...extra,
  };
}

const tarballRequests = () => fx.server.requests.filter((p) => p.endsWith('.tar.gz')).length;

describe('download (pinned sha256)', () => {
  it('downloads on a fresh dir, then is unchanged on a second apply and in plan', async () => {
    const dir = fx.freshDir('fresh');
    const first = await executeModule(conn, download, args(dir, { mode: '0640' }));
    expect(first.error).toBeUndefined();
    expect(first.outcome.status).toBe('changed');
    expect(first.outcome.data).toEqual({ dest: join(dir, fx.tarball.name), sha256: fx.tarball.sha256, downloaded: true });
    const dest = join(dir, fx.tarball.name);
    expect(sha256Hex(readFileSync(dest))).toBe(fx.tarball.sha256);
    expect(statSync(dest).mode & 0o7777).toBe(0o640);
    expect(readdirSync(dir)).toEqual([fx.tarball.name]);

    const before = tarballRequests();
    const second = await executeModule(conn, download, args(dir, { mode: '0640' }));
    expect(second.error).toBeUndefined();
    expect(second.outcome.status).toBe('ok');
    expect(tarballRequests()).toBe(before);

    const plan = await executeModule(conn, download, args(dir, { mode: '0640' }), { check: true, overlay: new Overlay() });
    expect(plan.outcome.status).toBe('ok');
    expect(plan.plan?.changed).toBe(false);
  });

  it('new files get 0644 when no mode is given', async () => {
    const dir = fx.freshDir('defmode');
    const r = await executeModule(conn, download, args(dir));
    expect(r.error).toBeUndefined();
    expect(statSync(join(dir, fx.tarball.name)).mode & 0o7777).toBe(0o644);
  });

  it('check mode on a fresh dir predicts the download and touches nothing', async () => {
    const dir = fx.freshDir('check');
    const before = snapshotTree(dir);
    const requests = tarballRequests();
    const overlay = new Overlay();
    const r = await executeModule(conn, download, args(dir, { mode: '0755' }), { check: true, overlay });
    expect(r.error).toBeUndefined();
    expect(r.outcome.status).toBe('changed');
    expect(r.outcome.summary).toBe(`would download ${fx.tarballUrl} -> ${join(dir, fx.tarball.name)}`);
    expect(overlay.path(join(dir, fx.tarball.name))).toEqual({
      exists: true,
      type: 'file',
      sha256: fx.tarball.sha256,
      mode: 0o755,
      owner: undefined,
      group: undefined,
    });
    expect(snapshotTree(dir)).toEqual(before);
    expect(tarballRequests()).toBe(requests);
  });

  it('check mode plans into a directory that an earlier task only predicts', async () => {
    const dir = join(fx.freshDir('parent'), 'not-yet');
    const overlay = new Overlay();
    overlay.record({ paths: { [dir]: { exists: true, type: 'dir', mode: 0o755 } } });
    const r = await executeModule(conn, download, args(dir), { check: true, overlay });
    expect(r.error).toBeUndefined();
    expect(r.outcome.status).toBe('changed');
    const real = await executeModule(conn, download, args(dir));
    expect(real.error?.code).toBe('WRITE_FAILED');
  });

  it('repairs a changed file and a changed mode (the latter without downloading)', async () => {
    const dir = fx.freshDir('drift');
    const dest = join(dir, fx.tarball.name);
    expect((await executeModule(conn, download, args(dir))).outcome.status).toBe('changed');
    chmodSync(dest, 0o600);
    const before = tarballRequests();
    const modeFix = await executeModule(conn, download, args(dir, { mode: '0644' }));
    expect(modeFix.outcome.status).toBe('changed');
    expect(modeFix.outcome.summary).toBe(`would set mode 0644 on ${dest}`);
    expect(statSync(dest).mode & 0o7777).toBe(0o644);
    expect(tarballRequests()).toBe(before);

    writeFileSync(dest, 'junk');
    const plan = await executeModule(conn, download, args(dir), { check: true, overlay: new Overlay() });
    expect(plan.outcome.summary).toMatch(/content differs/);
    const fix = await executeModule(conn, download, args(dir));
    expect(fix.outcome.status).toBe('changed');
    expect(sha256Hex(readFileSync(dest))).toBe(fx.tarball.sha256);
    expect(statSync(dest).mode & 0o7777).toBe(0o644);
  });

  it("with checksum: 'skip' is idempotent by existence only", async () => {
    const dir = fx.freshDir('skip');
    const dest = join(dir, fx.tarball.name);
    const a = { ...args(dir), checksum: 'skip' };
    expect((await executeModule(conn, download, a)).outcome.status).toBe('changed');
    writeFileSync(dest, 'other content');
    const again = await executeModule(conn, download, a);
    expect(again.outcome.status).toBe('ok');
    expect(readFileSync(dest, 'utf8')).toBe('other content');
  });

  it('sends headers (Secret values too) to the server', async () => {
    const { secret } = await import('@tsplay/core');
    const dir = fx.freshDir('headers');
    const r = await executeModule(conn, download, args(dir, { headers: { 'X-Token': secret('s3cr3t-token'), Accept: '*/*' } }));
    expect(r.error).toBeUndefined();
    const h = fx.server.headers[fx.server.headers.length - 1];
    expect(h?.['x-token']).toBe('s3cr3t-token');
  });
});

describe('download (sha256:URL of a SHA256SUMS file)', () => {
  it('downloads, verifies against the line for the url basename, then is unchanged', async () => {
    const dir = fx.freshDir('sums');
    const a = args(dir, { checksum: `sha256:${fx.sumsUrl}` });
    const first = await executeModule(conn, download, a);
    expect(first.error).toBeUndefined();
    expect(first.outcome.status).toBe('changed');
    expect(sha256Hex(readFileSync(join(dir, fx.tarball.name)))).toBe(fx.tarball.sha256);
    const second = await executeModule(conn, download, a);
    expect(second.outcome.status).toBe('ok');
    const check = await executeModule(conn, download, a, { check: true, overlay: new Overlay() });
    expect(check.plan?.changed).toBe(false);
  });

  it('check mode on a fresh dir predicts the sha256 from the checksum file', async () => {
    const dir = fx.freshDir('sums-check');
    const overlay = new Overlay();
    const r = await executeModule(conn, download, args(dir, { checksum: `sha256:${fx.sumsUrl}` }), { check: true, overlay });
    expect(r.outcome.status).toBe('changed');
    expect(overlay.path(join(dir, fx.tarball.name))?.sha256).toBe(fx.tarball.sha256);
    expect(readdirSync(dir)).toEqual([]);
  });
});

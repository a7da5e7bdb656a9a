import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyContext } from '@tsplay/core';
import { Overlay, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { requireRoot } from '../testing/require-root.js';
import { useFixture } from '../testing/fixture.js';
import { startReleaseFixture } from '../testing/release-server.js';
import { sha256Hex } from '../testing/tree-snapshot.js';
import { downloadArgsSchema } from './args.js';
import { applyDownload } from './apply.js';
import { download } from './index.js';
import { planDownload } from './plan.js';

const conn = new LocalConnection('local');
const fx = useFixture(startReleaseFixture, (f) => f.close());

function args(dir: string, extra: Record<string, unknown> = {}) {
  return { url: fx.tarballUrl, dest: join(dir, fx.tarball.name), checksum: `sha256:${fx.tarball.sha256}`, caFile: fx.pki.caFile, ...extra };
}

describe('download argument errors', () => {
  it.each([
    ['an http:// url without allowInsecure', { url: 'http://127.0.0.1/x.tar.gz' }, 'url', /allowInsecure/],
    ['a missing checksum', { checksum: undefined }, 'checksum', /checksum is required/],
    ['a malformed checksum', { checksum: 'md5:abc' }, 'checksum', /not understood/],
    ['a short sha256', { checksum: `sha256:${'a'.repeat(63)}` }, 'checksum', /not understood/],
    ['an http checksum URL', { checksum: 'sha256:http://127.0.0.1/SHA256SUMS' }, 'checksum', /https/],
    ['a decimal mode', { mode: 755 }, 'mode', /decimal/],
    ['a relative dest', { dest: 'etcd.tar.gz' }, 'dest', /absolute/],
    ['an unknown argument', { sha256sum: 'x' }, '', /sha256sum/],
  ])('rejects %s with ARGS_INVALID naming the field', async (_what, extra, fieldName, message) => {
    const dir = fx.freshDir('args');
    const r = await executeModule(conn, download, args(dir, extra));
    expect(r.error?.code).toBe('ARGS_INVALID');
    if (fieldName) expect(r.error?.field).toBe(fieldName);
    expect(r.error?.message).toMatch(message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('accepts http:// with allowInsecure: true', () => {
    const r = downloadArgsSchema.safeParse({ url: 'http://127.0.0.1/x', dest: '/tmp/x', checksum: 'skip', allowInsecure: true });
    expect(r.success).toBe(true);
  });
});

describe('download failures leave nothing behind', () => {
  it('a wrong pinned sha256 fails with CHECKSUM_MISMATCH, expected and actual, no dest, no temp', async () => {
    const dir = fx.freshDir('mismatch');
    const wrong = sha256Hex('wrong');
    const r = await executeModule(conn, download, args(dir, { checksum: `sha256:${wrong}` }));
    expect(r.error?.code).toBe('CHECKSUM_MISMATCH');
    expect(r.error?.message).toContain(`expected sha256 ${wrong}`);
    expect(r.error?.message).toContain(`got ${fx.tarball.sha256}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a SHA256SUMS with a wrong line fails with CHECKSUM_MISMATCH', async () => {
    const dir = fx.freshDir('sums-mismatch');
    const url = fx.tarballUrl.replace('/v3.4.15/', '/bad/');
    const r = await executeModule(conn, download, args(dir, { url, checksum: `sha256:${fx.badSumsUrl}` }));
    expect(r.error?.code).toBe('CHECKSUM_MISMATCH');
    expect(r.error?.message).toContain(`expected sha256 ${sha256Hex('not the tarball')}, got ${fx.tarball.sha256}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a SHA256SUMS without a line for the file fails in plan (check mode too) naming checksum', async () => {
    const dir = fx.freshDir('sums-noline');
    const url = fx.tarballUrl.replace('/v3.4.15/', '/nosum/');
    const r = await executeModule(conn, download, args(dir, { url, checksum: `sha256:${fx.noLineSumsUrl}` }), {
      check: true,
      overlay: new Overlay(),
    });
    expect(r.error?.code).toBe('DOWNLOAD_FAILED');
    expect(r.error?.field).toBe('checksum');
    expect(r.error?.message).toContain(`no sha256 line for ${fx.tarball.name}`);
  });

  it('an HTTP 404 fails with DOWNLOAD_FAILED showing the status', async () => {
    const dir = fx.freshDir('404');
    const r = await executeModule(conn, download, args(dir, { url: `${fx.server.origin}/missing.tar.gz` }));
    expect(r.error?.code).toBe('DOWNLOAD_FAILED');
    expect(r.error?.message).toMatch(/404/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an untrusted server certificate fails with DOWNLOAD_FAILED', async () => {
    const dir = fx.freshDir('untrusted');
    const r = await executeModule(conn, download, args(dir, { caFile: undefined }));
    expect(r.error?.code).toBe('DOWNLOAD_FAILED');
    expect(r.error?.message).toMatch(/certificate/i);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing dest directory fails in plan with WRITE_FAILED naming dest', async () => {
    const r = await executeModule(conn, download, args(join(fx.root, 'no-such-dir')), { check: true, overlay: new Overlay() });
    expect(r.error?.code).toBe('WRITE_FAILED');
    expect(r.error?.field).toBe('dest');
  });

  it('a full filesystem fails with DISK_FULL and leaves no temp file', async () => {
    requireRoot('it mounts a 16 KiB tmpfs to fill up');
    const dir = fx.freshDir('full');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tsplay-test', dir]);
    try {
      const r = await executeModule(
        conn,
        download,
        args(dir, { url: fx.bigUrl, checksum: `sha256:${fx.bigSha256}`, dest: join(dir, 'big.bin') }),
      );
      expect(r.error?.code).toBe('DISK_FULL');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  it('neither curl nor wget on the host -> NO_DOWNLOADER from plan', () => {
    const a = downloadArgsSchema.parse(args('/tmp'));
    const dir = { exists: true, type: 'dir' as const };
    expect(() => planDownload({ dest: { exists: false }, dir, downloaders: { curl: false, wget: false }, sums: null }, a)).toThrow(
      expect.objectContaining({ code: 'NO_DOWNLOADER' }),
    );
  });
});

describe('download with wget', () => {
  function ctx(): ApplyContext {
    return {
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
  }
  it('downloads and verifies when only wget is there, headers included', async () => {
    const dir = fx.freshDir('wget');
    const a = downloadArgsSchema.parse(args(dir, { headers: { 'X-Wget': 'yes' } }));
    const plan = planDownload(
      { dest: { exists: false }, dir: { exists: true, type: 'dir' }, downloaders: { curl: false, wget: true }, sums: null },
      a,
    );
    expect(plan.data?.tool).toBe('wget');
    const r = await applyDownload(ctx(), a, plan);
    expect(r.data?.sha256).toBe(fx.tarball.sha256);
    expect(fx.server.headers[fx.server.headers.length - 1]?.['x-wget']).toBe('yes');
    expect(readdirSync(dir)).toEqual([fx.tarball.name]);
  });
  it('reports a mismatch with wget too', async () => {
    const dir = fx.freshDir('wget-mismatch');
    const a = downloadArgsSchema.parse(args(dir, { checksum: `sha256:${sha256Hex('x')}` }));
    const plan = planDownload(
      { dest: { exists: false }, dir: { exists: true, type: 'dir' }, downloaders: { curl: false, wget: true }, sums: null },
      a,
    );
    await expect(applyDownload(ctx(), a, plan)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    expect(readdirSync(dir)).toEqual([]);
    rmdirSync(dir);
    mkdirSync(dir);
  });
});

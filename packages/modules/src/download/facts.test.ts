import { describe, expect, it } from 'vitest';
import { downloadArgsSchema } from './args.js';
import { findSha256, parseDownloaders, urlBasename } from './facts.js';
import { displayUrl, planDownload } from './plan.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);
const C = 'c'.repeat(64);

describe('findSha256', () => {
  it.each([
    ['GNU text mode', `${A}  etcd.tar.gz\n`, 'etcd.tar.gz', A],
    ['GNU binary mode', `${B} *etcd.tar.gz\n`, 'etcd.tar.gz', B.toLowerCase()],
    ['CRLF line ends', `${C}  x.zip\r\n${A}  etcd.tar.gz\r\n`, 'etcd.tar.gz', A],
    ['a ./ prefix', `${A}  ./etcd.tar.gz\n`, 'etcd.tar.gz', A],
    ['a listed path, matched by its last component', `${A}  release/v1/etcd.tar.gz\n`, 'etcd.tar.gz', A],
    ['BSD style', `SHA256 (etcd.tar.gz) = ${A}\n`, 'etcd.tar.gz', A],
    ['an exact name beats a path match', `${C}  other/etcd.tar.gz\n${A}  etcd.tar.gz\n`, 'etcd.tar.gz', A],
    ['no similar-name confusion', `${C}  etcd.tar.gz.asc\n${A}  etcd.tar.gz\n`, 'etcd.tar.gz', A],
    ['no line', `${A}  other.tar.gz\n`, 'etcd.tar.gz', undefined],
    ['garbage', 'not a sums file\n<html>', 'etcd.tar.gz', undefined],
  ])('%s', (_what, text, name, want) => {
    expect(findSha256(text, name)).toBe(want);
  });
});

describe('parseDownloaders', () => {
  it.each([
    ['/usr/bin/curl\n/usr/bin/wget\n', { curl: true, wget: true }],
    ['/usr/bin/wget\n', { curl: false, wget: true }],
    ['/usr/local/bin/curl\n', { curl: true, wget: false }],
    ['', { curl: false, wget: false }],
  ])('%j', (out, want) => {
    expect(parseDownloaders(out)).toEqual(want);
  });
});

describe('urls', () => {
  it('takes the decoded last path segment as the file name', () => {
    expect(urlBasename('https://h/v3.4.15/etcd-v3.4.15-linux-amd64.tar.gz?x=1')).toBe('etcd-v3.4.15-linux-amd64.tar.gz');
    expect(urlBasename('https://h/a%20b.tgz')).toBe('a b.tgz');
  });
  it('hides a password in summaries', () => {
    expect(displayUrl('https://u:pw@h/x')).toBe('https://u:***@h/x');
  });
});

describe('planDownload', () => {
  const dir = { exists: true, type: 'dir' as const };
  const tools = { curl: true, wget: false };
  const args = downloadArgsSchema.parse({ url: 'https://h/x.tgz', dest: '/opt/x.tgz', checksum: `sha256:${A}` });
  it('keeps the mode and owner of a file it replaces', () => {
    const p = planDownload(
      { dest: { exists: true, type: 'file', sha256: C, mode: 0o600, owner: 'u', group: 'g' }, dir, downloaders: tools, sums: null },
      args,
    );
    expect(p.predict?.paths?.['/opt/x.tgz']).toEqual({ exists: true, type: 'file', sha256: A, mode: 0o600, owner: 'u', group: 'g' });
  });
  it('refuses a directory at dest', () => {
    expect(() => planDownload({ dest: { exists: true, type: 'dir' }, dir, downloaders: tools, sums: null }, args)).toThrow(
      /is a directory/,
    );
  });
  it('reports a checksum file it could not fetch', () => {
    const a = downloadArgsSchema.parse({ url: 'https://h/x.tgz', dest: '/opt/x.tgz', checksum: 'sha256:https://h/SUMS' });
    const sums = { ok: false as const, url: 'https://h/SUMS', code: 22, stderr: 'curl: (22) The requested URL returned error: 404' };
    expect(() => planDownload({ dest: { exists: false }, dir, downloaders: tools, sums }, a)).toThrow(
      expect.objectContaining({ code: 'DOWNLOAD_FAILED', field: 'checksum', message: expect.stringContaining('404') }),
    );
  });
});

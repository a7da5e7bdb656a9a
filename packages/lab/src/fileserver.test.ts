import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFileServer, type StartedServer } from './fileserver.js';
import { METADATA_PATH } from './fileserver-script.js';
import { makePki, type PkiFiles } from './pki.js';

interface Reply {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

function get(url: string, opts: { headers?: Record<string, string>; ca?: string; method?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https') ? httpsRequest : httpRequest)(
      url,
      { headers: opts.headers ?? {}, method: opts.method ?? 'GET', ...(opts.ca ? { ca: opts.ca, servername: '' } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the lab file server (on loopback)', () => {
  let dir: string;
  let pki: PkiFiles;
  let server: StartedServer;
  let https: string;
  let http: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-fs-'));
    pki = await makePki(join(dir, 'pki'), ['10.240.0.10']);
    // a cert for 127.0.0.1 from the same CA: reuse the kubernetes cert (its SANs include 127.0.0.1)
    writeFileSync(join(dir, 'file.bin'), 'hello tarball');
    server = await startFileServer(join(dir, 'srv'), {
      listen: [
        { host: '127.0.0.1', port: 0, tls: true },
        { host: '127.0.0.1', port: 0, tls: false },
      ],
      cert: pki.cert,
      key: pki.key,
      files: { '/a/b/file.bin': join(dir, 'file.bin') },
    });
    https = `https://127.0.0.1:${server.ports[0]}`;
    http = `http://127.0.0.1:${server.ports[1]}`;
  });

  afterAll(() => {
    process.kill(server.pid, 'SIGTERM');
  });

  test('serves a file over HTTPS to a client that trusts the lab CA', async () => {
    const r = await get(`${https}/a/b/file.bin`, { ca: readFileSync(pki.caCert, 'utf8') });
    expect(r.status).toBe(200);
    expect(r.body).toBe('hello tarball');
    expect(r.headers['content-length']).toBe('13');
  });

  test('an HTTPS client without the lab CA is refused', async () => {
    await expect(get(`${https}/a/b/file.bin`)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  test('404 for anything else, 405 for other methods', async () => {
    expect((await get(`${http}/a/b/../b/file.bin.x`)).status).toBe(404);
    expect((await get(`${http}/etc/passwd`)).status).toBe(404);
    expect((await get(`${http}/a/b/file.bin`, { method: 'POST' })).status).toBe(405);
  });

  test('metadata: the caller address with Metadata-Flavor: Google, else 403', async () => {
    const ok = await get(`${http}${METADATA_PATH}`, { headers: { 'Metadata-Flavor': 'Google' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('127.0.0.1');
    expect(ok.headers['metadata-flavor']).toBe('Google');
    expect((await get(`${http}${METADATA_PATH}`)).status).toBe(403);
    expect((await get(`${http}${METADATA_PATH}`, { headers: { 'Metadata-Flavor': 'google-ish' } })).status).toBe(403);
  });

  test('a listen failure is reported with the server log', async () => {
    await expect(
      startFileServer(join(dir, 'bad'), { listen: [{ host: '127.0.0.1', port: server.ports[1] ?? 1, tls: false }], files: {} }),
    ).rejects.toMatchObject({ code: 'LAB_FAILED', message: expect.stringMatching(/EADDRINUSE/) });
  });
});

/**
 * Issue 25, item 4, on a lab host: both downloaders. The download module fetches the etcd tarball from the lab
 * file server over https with curl, and with wget (curl hidden from the task by its PATH: a directory of links
 * to every command but curl), its checksum verified (for wget, from the server's SHA256SUMS); sha256sum on the
 * host is the oracle. Then an https URL that redirects to http (a server of this test inside the lab's network
 * namespace, with the lab's TLS certificate, serving the attacker's file on the http side) with the attacker's
 * checksum: DOWNLOAD_FAILED with both tools, and nothing written in the directory. Before: wget's --https-only
 * followed the redirect and the attacker's file was accepted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '@tsplay/cli';
import { loadInventory, type Connection, type ResolvedHost } from '@tsplay/core';
import { executeModule, type AnyModule } from '@tsplay/core/module';
import { ETCD_TARBALL, ETCD_URL_PATH } from '@tsplay/lab';
import { download } from '@tsplay/modules';
import { hostOutput, lab } from '../helpers/lab.js';

const DIR = '/root/tsplay-e2e-dl';
const NOCURL = '/run/tsplay-e2e-nocurl';
const URL = `https://10.240.0.1:8443${ETCD_URL_PATH}/${ETCD_TARBALL}`;
const EVIL = 'the attacker file\n';
const EVIL_SHA = createHash('sha256').update(EVIL).digest('hex');

let conn: Connection;
let wgetOnly: Connection;
let server: ChildProcess | undefined;
let work: string;
let redirectUrl = '';

/** The test's redirecting server, inside the lab's network namespace: https (lab certificate) -> 302 -> http. */
const SERVER = `
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
const [cert, key, log] = process.argv.slice(2);
const evil = ${JSON.stringify(EVIL)};
const plain = http.createServer((req, res) => {
  appendFileSync(log, 'http ' + req.url + '\\n');
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(evil) }).end(evil);
});
await new Promise((r) => plain.listen(0, '10.240.0.1', r));
const hp = plain.address().port;
const tls = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  appendFileSync(log, 'https ' + req.url + '\\n');
  res.writeHead(302, { location: 'http://10.240.0.1:' + hp + req.url }).end();
});
await new Promise((r) => tls.listen(0, '10.240.0.1', r));
process.on('SIGTERM', () => process.exit(0));
process.stdout.write('ready ' + tls.address().port + '\\n');
`;

async function startServer(): Promise<string> {
  const fsCfg = JSON.parse(readFileSync(join(lab().paths.stateDir, 'fileserver', 'fileserver.json'), 'utf8')) as {
    cert: string;
    key: string;
  };
  const script = join(work, 'redirect.mjs');
  writeFileSync(script, SERVER);
  server = spawn('ip', ['netns', 'exec', 'tsplay-lab', process.execPath, script, fsCfg.cert, fsCfg.key, join(work, 'hits.log')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    server?.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    server?.once('exit', (code) => reject(new Error(`the redirect server exited (${code}) before it was ready`)));
  });
  const port = /^ready (\d+)$/.exec(line)?.[1];
  expect(port, line).toBeDefined();
  return `https://10.240.0.1:${port}/evil.tar.gz`;
}

const hits = (): string[] => {
  try {
    return readFileSync(join(work, 'hits.log'), 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

beforeAll(async () => {
  lab();
  work = mkdtempSync(join(tmpdir(), 'tsplay-e2e-dl-'));
  const inv = await loadInventory(lab().inventoryFile);
  conn = await connectHost(inv.hosts[0] as ResolvedHost, { persist: 0 });
  // A PATH with every command of the host but curl: the task sees wget only.
  const setup = [
    `rm -rf ${DIR} ${NOCURL} && mkdir -p ${DIR} ${NOCURL}`,
    `for f in /usr/local/sbin/* /usr/local/bin/* /usr/sbin/* /usr/bin/* /sbin/* /bin/*; do n=\${f##*/}; [ "$n" = curl ] || [ -e "${NOCURL}/$n" ] || ln -s "$f" "${NOCURL}/$n"; done`,
    `command -v curl && command -v wget && PATH=${NOCURL} sh -c 'command -v wget && ! command -v curl'`,
  ].join(' && ');
  expect(await hostOutput(0, setup, { become: true })).toBe(`/usr/bin/curl\n/usr/bin/wget\n${NOCURL}/wget\n`);
  wgetOnly = new Proxy(conn, {
    get(target, key) {
      if (key === 'exec') return (cmd: string, opts?: object) => target.exec(`PATH=${NOCURL}; export PATH\n${cmd}`, opts);
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  redirectUrl = await startServer();
});

afterAll(async () => {
  if (server?.pid) server.kill('SIGTERM');
  await hostOutput(0, `rm -rf ${DIR} ${NOCURL}`, { become: true }).catch(() => undefined);
  await conn?.close();
  rmSync(work, { recursive: true, force: true });
});

const get = (c: Connection, args: Record<string, unknown>) => executeModule(c, download as unknown as AnyModule, args, { become: true });
const toolOf = (e: { plan?: { data?: unknown } | undefined }) => (e.plan?.data as { tool?: string } | undefined)?.tool;

describe('both downloaders on a lab host', () => {
  it('curl, then wget (no curl on its PATH): the tarball from the lab file server over https, checksum verified', async () => {
    const sha = lab().tarballSha256;
    const c = await get(conn, { url: URL, dest: `${DIR}/by-curl.tgz`, checksum: `sha256:${sha}` });
    expect([c.outcome.status, c.error?.code, toolOf(c)]).toEqual(['changed', undefined, 'curl']);
    const w = await get(wgetOnly, {
      url: URL,
      dest: `${DIR}/by-wget.tgz`,
      checksum: `sha256:https://10.240.0.1:8443${ETCD_URL_PATH}/SHA256SUMS`,
    });
    expect([w.outcome.status, w.error?.code, toolOf(w)]).toEqual(['changed', undefined, 'wget']);
    expect(await hostOutput(0, `cd ${DIR} && sha256sum by-curl.tgz by-wget.tgz`, { become: true })).toBe(
      `${sha}  by-curl.tgz\n${sha}  by-wget.tgz\n`,
    );
    // Converged: wget's second run reads the file's hash and changes nothing.
    expect((await get(wgetOnly, { url: URL, dest: `${DIR}/by-wget.tgz`, checksum: `sha256:${sha}` })).outcome.status).toBe('ok');
  });

  it('https redirected to http with the attacker file and its checksum: DOWNLOAD_FAILED with wget and with curl, nothing written', async () => {
    await hostOutput(0, `rm -rf ${DIR} && mkdir -p ${DIR}/evil`, { become: true });
    for (const [c, tool] of [
      [wgetOnly, 'wget'],
      [conn, 'curl'],
    ] as const) {
      const before = hits().length;
      const e = await get(c, { url: redirectUrl, dest: `${DIR}/evil/evil.tar.gz`, checksum: `sha256:${EVIL_SHA}` });
      expect([tool, e.outcome.status, e.error?.code, toolOf(e)]).toEqual([tool, 'failed', 'DOWNLOAD_FAILED', tool]);
      // The redirect was served (the refusal is not some other failure).
      expect(hits().slice(before)[0]).toBe('https /evil.tar.gz');
      expect(await hostOutput(0, `ls -A ${DIR}/evil; echo end`, { become: true })).toBe('end\n');
    }
  });
});

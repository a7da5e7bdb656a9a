import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEtcdTarball, type TestTarball } from './etcd-tarball.js';
import { startHttpsServer, type TestHttpsServer } from './https-server.js';
import { makeTestPki, type TestPki } from './pki.js';
import { sha256Hex } from './tree-snapshot.js';

/**
 * A fake release server on loopback: the test tarball and its SHA256SUMS under /v3.4.15/,
 * a SHA256SUMS with a wrong hash under /bad/, one without the tarball under /nosum/.
 */
export interface ReleaseFixture {
  root: string;
  pki: TestPki;
  tarball: TestTarball;
  server: TestHttpsServer;
  tarballUrl: string;
  sumsUrl: string;
  badSumsUrl: string;
  noLineSumsUrl: string;
  /** 256 KiB of random bytes at /big.bin (for disk-full tests) and its sha256. */
  bigUrl: string;
  bigSha256: string;
  /** A fresh empty directory under root. */
  freshDir(name: string): string;
  close(): Promise<void>;
}

export async function startReleaseFixture(): Promise<ReleaseFixture> {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-release-'));
  const pkiDir = join(root, 'pki');
  mkdirSync(pkiDir);
  const pki = makeTestPki(pkiDir);
  const tarball = makeEtcdTarball(root);
  const p = `/v3.4.15/${tarball.name}`;
  const big = randomBytes(256 * 1024);
  const server = await startHttpsServer(pki, {
    [p]: tarball.body,
    '/v3.4.15/SHA256SUMS': tarball.sums,
    [`/bad/${tarball.name}`]: tarball.body,
    '/bad/SHA256SUMS': `${sha256Hex('not the tarball')}  ${tarball.name}\n`,
    [`/nosum/${tarball.name}`]: tarball.body,
    '/big.bin': big,
    '/nosum/SHA256SUMS': `${sha256Hex('x')}  something-else.tar.gz\n`,
  });
  let n = 0;
  return {
    root,
    pki,
    tarball,
    server,
    tarballUrl: `${server.origin}${p}`,
    sumsUrl: `${server.origin}/v3.4.15/SHA256SUMS`,
    badSumsUrl: `${server.origin}/bad/SHA256SUMS`,
    noLineSumsUrl: `${server.origin}/nosum/SHA256SUMS`,
    bigUrl: `${server.origin}/big.bin`,
    bigSha256: sha256Hex(big),
    freshDir: (name) => {
      const d = join(root, `${name}-${++n}`);
      mkdirSync(d);
      return d;
    },
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

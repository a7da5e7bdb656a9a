/**
 * A registry on 127.0.0.1 for the @tsplay scope only, serving the tarballs of `pnpm pack`: npm is
 * pointed at it with `@tsplay:registry=...` and fetches every other package from its usual
 * registry. So the tarballs install exactly as they would once published, dependencies between
 * them included, and no @tsplay/* name is ever looked up anywhere else.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';

interface Entry {
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: string;
}

export interface LocalRegistry {
  url: string;
  close(): Promise<void>;
}

function manifestOf(tgz: string): Entry['manifest'] {
  return JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' })) as Entry['manifest'];
}

export async function startRegistry(tarballs: readonly string[]): Promise<LocalRegistry> {
  const entries = new Map<string, Entry>(tarballs.map((t) => [manifestOf(t).name, { manifest: manifestOf(t), tarball: t }]));
  let url = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/').replace(/^\/+/, '');
    const file = [...entries.values()].find((e) => path === `tarballs/${basename(e.tarball)}`);
    if (file) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file.tarball));
      return;
    }
    const e = entries.get(path);
    if (!e) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const bytes = readFileSync(e.tarball);
    const dist = {
      tarball: `${url}tarballs/${basename(e.tarball)}`,
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
      shasum: createHash('sha1').update(bytes).digest('hex'),
    };
    const packument = {
      name: e.manifest.name,
      'dist-tags': { latest: e.manifest.version },
      versions: { [e.manifest.version]: { ...e.manifest, dist } },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

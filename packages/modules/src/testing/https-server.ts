import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestPki } from './pki.js';

/** A loopback HTTPS file server for tests: serves fixed bodies by URL path, 404 otherwise. */
export interface TestHttpsServer {
  /** `https://127.0.0.1:PORT` (no trailing slash). */
  origin: string;
  /** Paths requested so far, in order (e.g. to prove a second run did not download). */
  requests: string[];
  /** Request headers per request, same order as `requests`. */
  headers: Record<string, string | string[] | undefined>[];
  /** Replace or add a file while the server runs. */
  set(path: string, body: string | Buffer): void;
  close(): Promise<void>;
}

export async function startHttpsServer(pki: TestPki, files: Record<string, string | Buffer>): Promise<TestHttpsServer> {
  const bodies = new Map<string, Buffer>(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]));
  const requests: string[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const server: Server = createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    requests.push(path);
    headers.push({ ...req.headers });
    const body = bodies.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    requests,
    headers,
    set: (path, body) => void bodies.set(path, Buffer.from(body)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The lab file server, as a standalone Node script (no dependencies) that `lab up` writes to the state dir
 * and starts detached inside netns tsplay-lab. It serves:
 * - the files of `config.files` (URL path -> local file), GET/HEAD, over every listener;
 * - the GCE metadata path: the caller's address, only with `Metadata-Flavor: Google` (else 403).
 * Usage: node fileserver.mjs CONFIG.json; prints `ready <pid>` on stdout when every listener is up.
 */
export const METADATA_PATH = '/computeMetadata/v1/instance/network-interfaces/0/ip';

export interface FileServerConfig {
  listen: { host: string; port: number; tls: boolean }[];
  cert?: string;
  key?: string;
  files: Record<string, string>;
}

export const FILESERVER_JS = `
import { createReadStream, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const METADATA_PATH = ${JSON.stringify(METADATA_PATH)};

function handle(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === METADATA_PATH) {
    if (req.headers['metadata-flavor'] !== 'Google') {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Missing required header: Metadata-Flavor: Google\\n');
      return;
    }
    const addr = String(req.socket.remoteAddress).replace(/^::ffff:/, '');
    res.writeHead(200, { 'content-type': 'application/text', 'metadata-flavor': 'Google' }).end(addr);
    return;
  }
  const file = Object.prototype.hasOwnProperty.call(config.files, path) ? config.files[path] : undefined;
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\\n');
    return;
  }
  let size;
  try {
    size = statSync(file).size;
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

const tls = config.listen.some((l) => l.tls)
  ? { cert: readFileSync(config.cert), key: readFileSync(config.key) }
  : undefined;
const ports = await Promise.all(
  config.listen.map(
    (l) =>
      new Promise((resolve, reject) => {
        const server = l.tls ? https.createServer(tls, handle) : http.createServer(handle);
        server.once('error', reject);
        server.listen(l.port, l.host, () => resolve(server.address().port));
      }),
  ),
);
process.on('SIGTERM', () => process.exit(0));
process.stdout.write('ready ' + process.pid + ' ' + ports.join(',') + '\\n');
process.stdout.end();
`;

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with openssl (tests only). */
export interface TestPki {
  /** PEM file of the CA: give it to clients (`caFile`). */
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

/** Writes the CA and a server cert into `dir` (which must exist). Needs the `openssl` binary. */
export function makeTestPki(dir: string): TestPki {
  const f = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=tsplay test CA',
    '-keyout',
    f('ca-key.pem'),
    '-out',
    f('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('server-key.pem'), '-out', f('server.csr')]);
  const ext = f('server.ext');
  execFileSync('sh', ['-c', `printf '%s\\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'extendedKeyUsage=serverAuth' > "$1"`, 'sh', ext]);
  run([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    f('server.pem'),
  ]);
  return { caFile: f('ca.pem'), key: readFileSync(f('server-key.pem')), cert: readFileSync(f('server.pem')) };
}

import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executeModule, Overlay, type AnyModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, fingerprint, ok, run, tempDir } from '../common/testing.js';
import { fetch } from './index.js';
import { localPath } from './facts.js';

afterAll(cleanup);

const mode = (p: string) => statSync(p).mode & 0o7777;
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** A host file (the local connection's "host" is this machine) with binary bytes. */
function hostFile(name = 'snap.db', bytes: Buffer = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 128])): { src: string; bytes: Buffer } {
  const src = join(tempDir('tsplay-fetch-host-'), name);
  writeFileSync(src, bytes);
  return { src, bytes };
}

describe('fetch: host -> workstation', () => {
  it('flat: check predicts and writes nothing; apply writes the exact bytes 0644; a re-run is ok with no transfer', async () => {
    const { src, bytes } = hostFile();
    const ws = tempDir();
    const dest = join(ws, 'copy.db');
    const check = ok(await run(fetch, { src, dest, flat: true }, { check: true }));
    expect(check.outcome.status).toBe('changed');
    expect(check.plan?.summary).toBe(`would create ${dest} from ${src} (9 bytes, mode 0644)`);
    expect(readdirSync(ws)).toEqual([]);
    const real = ok(await run(fetch, { src, dest, flat: true }));
    expect(real.outcome.status).toBe('changed');
    expect(readFileSync(dest)).toEqual(bytes);
    expect(mode(dest)).toBe(0o644);
    expect(real.outcome.data).toEqual({ dest, sha256: sha(bytes), size: 9 });
    const noRead = new LocalConnection('local'); // the re-run must not transfer: a read would fail it
    noRead.read = async () => {
      throw new Error('read called');
    };
    noRead.readChunks = async () => {
      throw new Error('readChunks called');
    };
    const again = ok(await executeModule(noRead, fetch as unknown as AnyModule, { src, dest, flat: true }));
    expect(again.outcome.status).toBe('ok');
    expect(ok(await run(fetch, { src, dest, flat: true }, { check: true })).outcome.status).toBe('ok');
    expect(readdirSync(ws)).toEqual(['copy.db']); // no temp left
  });

  it('a changed host file is fetched again (update); an equal file with another mode is only chmodded', async () => {
    const { src } = hostFile('a.txt', Buffer.from('one\n'));
    const ws = tempDir();
    const dest = join(ws, 'a.txt');
    ok(await run(fetch, { src, dest, flat: true }));
    writeFileSync(src, 'two\n');
    const check = ok(await run(fetch, { src, dest, flat: true }, { check: true }));
    expect(check.plan?.summary).toBe(`would update ${dest} from ${src} (4 bytes, mode 0644)`);
    expect(check.diff ?? []).toEqual([]); // fetch never shows content
    expect(readFileSync(dest, 'utf8')).toBe('one\n');
    ok(await run(fetch, { src, dest, flat: true }));
    expect(readFileSync(dest, 'utf8')).toBe('two\n');
    const ino = statSync(dest).ino;
    const chmod = ok(await run(fetch, { src, dest, flat: true, mode: '0640' }));
    expect(chmod.plan?.summary).toBe(`${dest}: mode 0644 -> 0640`);
    expect(mode(dest)).toBe(0o640);
    expect(statSync(dest).ino).toBe(ino);
  });

  it("Ansible's layouts: dest/<host>/<src> by default; flat with a trailing / is dest/<basename>; relative dest against baseDir", async () => {
    const { src, bytes } = hostFile('etcd.db');
    const ws = tempDir();
    const tree = ok(await run(fetch, { src, dest: ws }));
    expect(tree.outcome.data).toMatchObject({ dest: join(ws, 'local', src) });
    expect(readFileSync(join(ws, 'local', src))).toEqual(bytes);
    const intoDir = ok(await run(fetch, { src, dest: `${ws}/backups/`, flat: true }));
    expect(readFileSync(join(ws, 'backups', 'etcd.db'))).toEqual(bytes);
    expect(intoDir.outcome.data).toMatchObject({ dest: join(ws, 'backups', 'etcd.db') });
    ok(await run(fetch, { src, dest: 'rel/x.db', flat: true }, { baseDir: ws }));
    expect(readFileSync(join(ws, 'rel/x.db'))).toEqual(bytes);
    expect(localPath({ src: '/var/a/b.db', dest: 'out', flat: false }, 'controller-1', '/pb')).toBe('/pb/out/controller-1/var/a/b.db');
  });

  it('secret: 0600 and new dirs 0700, content never in the execution; without secret, 0644', async () => {
    const key = 'PRIVATE-KEY-do-not-print-0123456789';
    const { src } = hostFile('key.pem', Buffer.from(key));
    const ws = tempDir();
    const dest = join(ws, 'keys', 'key.pem');
    const check = ok(await run(fetch, { src, dest, flat: true, secret: true }, { check: true }));
    const real = ok(await run(fetch, { src, dest, flat: true, secret: true }));
    for (const e of [check, real]) {
      expect(JSON.stringify(e)).not.toContain(key);
      expect(e.plan?.summary).toContain('secret content');
    }
    expect(readFileSync(dest, 'utf8')).toBe(key);
    expect(mode(dest)).toBe(0o600);
    expect(mode(join(ws, 'keys'))).toBe(0o700);
  });
});

describe('fetch: large files stream', () => {
  it('a 5 MiB host file arrives in pieces through readChunks, never read whole, and is written exactly', async () => {
    const { src, bytes } = hostFile('big.db', Buffer.alloc(5 << 20, 'etcd\0snapshot\xff'));
    const dest = join(tempDir(), 'big.db');
    const streaming = new LocalConnection('local');
    let pieces = 0;
    const chunks = streaming.readChunks.bind(streaming);
    streaming.readChunks = (p, onData, o) => chunks(p, (b) => (pieces++, onData(b)), o);
    streaming.read = async () => {
      throw new Error('read whole');
    };
    const e = ok(await executeModule(streaming, fetch as unknown as AnyModule, { src, dest, flat: true }));
    expect(e.outcome.data).toEqual({ dest, sha256: sha(bytes), size: bytes.length });
    expect(pieces).toBeGreaterThan(1);
    expect(sha(readFileSync(dest))).toBe(sha(bytes));
  });
});

describe('fetch: refusals and failures leave nothing half-written', () => {
  it('a missing src names src; a directory at dest names dest; a file in the way of dest dir names dest', async () => {
    const ws = tempDir();
    const missing = await run(fetch, { src: join(ws, 'nope'), dest: join(ws, 'x'), flat: true });
    expect(missing.error?.code).toBe('FETCH_FAILED');
    expect(missing.error?.field).toBe('src');
    const { src } = hostFile();
    mkdirSync(join(ws, 'd'));
    const dir = await run(fetch, { src, dest: join(ws, 'd'), flat: true });
    expect(dir.error?.code).toBe('FETCH_FAILED');
    expect(dir.error?.field).toBe('dest');
    writeFileSync(join(ws, 'f'), 'x');
    const blocked = await run(fetch, { src, dest: join(ws, 'f', 'sub', 'x.db'), flat: true });
    expect(blocked.error?.code).toBe('FETCH_FAILED');
    expect(blocked.error?.field).toBe('dest');
    expect(readdirSync(ws).sort()).toEqual(['d', 'f']);
  });

  it('bytes that do not match the host sha256 are refused (CHECKSUM_MISMATCH); a cut read writes nothing; the old copy stays', async () => {
    const { src, bytes } = hostFile();
    const ws = tempDir();
    const dest = join(ws, 'copy.db');
    writeFileSync(dest, 'old');
    chmodSync(dest, 0o644);
    const before = fingerprint(ws);
    const corrupt = new LocalConnection('local'); // a transport without readChunks: one read
    corrupt.readChunks = undefined as unknown as LocalConnection['readChunks'];
    corrupt.read = async () => Buffer.concat([bytes, Buffer.from('x')]);
    const bad = await executeModule(corrupt, fetch as unknown as AnyModule, { src, dest, flat: true });
    expect(bad.error?.code).toBe('CHECKSUM_MISMATCH');
    expect(bad.error?.hint).toContain('was not written');
    expect(fingerprint(ws)).toEqual(before);
    const cut = new LocalConnection('local'); // half the bytes arrive, then the connection goes
    cut.readChunks = async (_p, onData) => {
      onData(bytes.subarray(0, 4));
      throw new Error('connection lost');
    };
    expect((await executeModule(cut, fetch as unknown as AnyModule, { src, dest, flat: true })).error).toBeDefined();
    expect(fingerprint(ws)).toEqual(before);
    const unchecked = ok(await executeModule(corrupt, fetch as unknown as AnyModule, { src, dest, flat: true, checksum: false }));
    expect(unchecked.outcome.changed).toBe(true);
    expect(readFileSync(dest).length).toBe(bytes.length + 1);
  });
});

describe('fetch in check mode after earlier tasks (overlay)', () => {
  it('unknown when an earlier task would change src in a way check mode cannot describe; nothing written', async () => {
    const { src } = hostFile();
    const ws = tempDir();
    const overlay = new Overlay();
    overlay.record({ unknown: [join(src, '..')] }, 'etcd snapshot');
    const e = ok(await run(fetch, { src, dest: join(ws, 'x.db'), flat: true }, { check: true, overlay }));
    expect(e.outcome.status).toBe('unknown');
    expect(e.outcome.summary).toContain('etcd snapshot');
    expect(readdirSync(ws)).toEqual([]);
  });

  it('a src that an earlier task would write with known content is planned against it', async () => {
    const ws = tempDir();
    const src = join(ws, 'host-side.txt');
    const overlay = new Overlay();
    overlay.record({ paths: { [src]: { exists: true, type: 'file', size: 3, sha256: sha('abc') } } });
    writeFileSync(join(ws, 'same.txt'), 'abc');
    chmodSync(join(ws, 'same.txt'), 0o644);
    const same = ok(await run(fetch, { src, dest: join(ws, 'same.txt'), flat: true }, { check: true, overlay }));
    expect(same.outcome.status).toBe('ok');
    const fresh = ok(await run(fetch, { src, dest: join(ws, 'fresh.txt'), flat: true }, { check: true, overlay }));
    expect(fresh.outcome.status).toBe('changed');
  });
});

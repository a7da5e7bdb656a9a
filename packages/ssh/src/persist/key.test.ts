import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../resolve.js';
import { FrameReader, encodeFrame } from './frame.js';
import { poolKey } from './key.js';
import { persistSeconds } from './connect.js';
import { persistDir } from './paths.js';

let dir: string;
let key: string;
let known: string;
const spec = () => ({
  name: 'h',
  address: '10.0.0.1',
  user: 'admin',
  privateKeyPath: key,
  knownHosts: known,
  sshConfigPath: join(dir, 'ssh_config'),
});
const target = (extra: object = {}) => resolveTarget({ ...spec(), ...extra }, { env: {}, home: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsplay-poolkey-'));
  key = join(dir, 'id');
  known = join(dir, 'known_hosts');
  await Promise.all([writeFile(key, 'k1'), writeFile(known, 'x'), writeFile(join(dir, 'ssh_config'), '')]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('poolKey', () => {
  it('is stable for the same target and files', () => {
    expect(poolKey(target())).toBe(poolKey(target()));
  });

  it('changes with anything that affects auth or trust', async () => {
    const base = poolKey(target());
    for (const extra of [
      { port: 2222 },
      { user: 'root' },
      { hostKeyChecking: 'accept-new' },
      { hostKeyAlias: 'alias' },
      { address: '10.0.0.2' },
      { knownHosts: [known, join(dir, 'other')] },
    ])
      expect(poolKey(target(extra)), JSON.stringify(extra)).not.toBe(base);
    expect(poolKey(resolveTarget(spec(), { env: { SSH_AUTH_SOCK: '/run/agent' }, home: dir }))).not.toBe(base);
    await writeFile(join(dir, 'ssh_config'), 'Host 10.0.0.1\n  ProxyJump bastion\n');
    expect(poolKey(target())).not.toBe(base);
    await writeFile(join(dir, 'ssh_config'), '');
    expect(poolKey(target())).toBe(base);
  });

  it('changes when the key file or known_hosts is rewritten', async () => {
    const base = poolKey(target());
    await writeFile(key, 'k2-longer');
    const afterKey = poolKey(target());
    expect(afterKey).not.toBe(base);
    await utimes(known, new Date(), new Date(Date.now() + 5000));
    expect(poolKey(target())).not.toBe(afterKey);
  });
});

describe('frames', () => {
  it('round-trip headers and binary bodies split at any byte', () => {
    const body = Buffer.from([0, 255, 1, 2, 3]);
    const wire = Buffer.concat([encodeFrame({ t: 'a', n: 1 }, body), encodeFrame({ t: 'b' })]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const r = new FrameReader();
      const got = [...r.push(wire.subarray(0, cut)), ...r.push(wire.subarray(cut))];
      expect(got.map((f) => [f.head.t, f.body.toString('hex')])).toEqual([
        ['a', '00ff010203'],
        ['b', ''],
      ]);
    }
  });

  it('reassemble frames from many small chunks', () => {
    const body = Buffer.alloc(100_000, 7);
    const wire = Buffer.concat([encodeFrame({ t: 'big' }, body), encodeFrame({ t: 'small' }, Buffer.from('x'))]);
    const r = new FrameReader();
    const got = [];
    for (let i = 0; i < wire.length; i += 7) got.push(...r.push(wire.subarray(i, i + 7)));
    expect(got.map((f) => [f.head.t, f.body.length])).toEqual([
      ['big', 100_000],
      ['small', 1],
    ]);
    expect(got[0]?.body.equals(body)).toBe(true);
  });

  it('refuses a frame over the size limit and a header that is not an object', () => {
    const big = Buffer.alloc(8);
    big.writeUInt32BE(0xffffffff, 4);
    expect(() => new FrameReader().push(big)).toThrow(/limit/);
    const arr = Buffer.from(JSON.stringify([1]));
    const bad = Buffer.concat([Buffer.from([0, 0, 0, arr.length, 0, 0, 0, 0]), arr]);
    expect(() => new FrameReader().push(bad)).toThrow(/object/);
  });
});

describe('persistSeconds and persistDir', () => {
  it('the flag wins over TSPLAY_PERSIST, which wins over the default of 60; 0 is off', () => {
    expect(persistSeconds(undefined, {})).toBe(60);
    expect(persistSeconds(undefined, { TSPLAY_PERSIST: '0' })).toBe(0);
    expect(persistSeconds('5', { TSPLAY_PERSIST: '0' })).toBe(5);
    expect(persistSeconds('0', { TSPLAY_PERSIST: '30' })).toBe(0);
    expect(persistSeconds(undefined, { TSPLAY_PERSIST: 'soon' })).toBe(60);
  });

  it('lives in $XDG_RUNTIME_DIR/tsplay, else a uid-named directory under the temp dir', () => {
    expect(persistDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/tsplay');
    expect(persistDir({})).toBe(join(tmpdir(), `tsplay-${process.getuid?.()}`));
    expect(persistDir({ TSPLAY_PERSIST_DIR: '/x/y', XDG_RUNTIME_DIR: '/run/user/1' })).toBe('/x/y');
  });
});

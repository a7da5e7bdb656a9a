import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { sha256Hex } from '../testing/tree-snapshot.js';
import { unarchiveArgsSchema } from './args.js';
import { parseArchive } from './parse.js';
import { unarchive } from './index.js';
import { archiveScript, type ProbeOptions } from './probe.js';

let root: string;
let archive: string;
let work: string;
const A = 'hello\n';
const SP = 'x y';
const DEEP = 'deep\n';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tsplay-unarchive-probe-'));
  const top = join(root, 'src', 'top');
  mkdirSync(join(top, 'd2'), { recursive: true });
  mkdirSync(join(top, 'impl', 'deep'), { recursive: true });
  writeFileSync(join(top, 'a.txt'), A);
  chmodSync(join(top, 'a.txt'), 0o4755);
  writeFileSync(join(top, 'sp ace'), SP);
  writeFileSync(join(top, 'impl', 'deep', 'f'), DEEP);
  symlinkSync('a.txt', join(top, 'link'));
  linkSync(join(top, 'a.txt'), join(top, 'hard'));
  chmodSync(join(top, 'd2'), 0o700);
  archive = join(root, 't.tgz');
  // No entries for top/impl and top/impl/deep: tar makes them as implicit parents.
  const names = ['top/', 'top/a.txt', 'top/hard', 'top/sp ace', 'top/link', 'top/d2/', 'top/impl/deep/f'];
  execFileSync('tar', ['-czf', archive, '-C', join(root, 'src'), '--no-recursion', ...names]);
  work = join(root, 'work');
  mkdirSync(work);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Run the probe with cwd and $TMPDIR in an empty dir, proving it writes nothing there. */
function probe(dest: string, opts: ProbeOptions, include?: string[]) {
  const args = unarchiveArgsSchema.parse({ src: archive, dest, stripComponents: 1, ...(include ? { include } : {}) });
  const before = statSync(work).mtimeMs;
  const r = spawnSync('/bin/sh', ['-c', archiveScript(args, opts)], { cwd: work, env: { ...process.env, TMPDIR: work }, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(readdirSync(work)).toEqual([]);
  expect(statSync(work).mtimeMs).toBe(before);
  return parseArchive(r.stdout, r.stderr);
}

function newDest(): string {
  const d = mkdtempSync(join(root, 'dest-'));
  return d;
}

describe('archiveScript on a real archive (GNU tar, one streaming pass, nothing written)', () => {
  it('lists every member with its type and mode, hashes all of them with hashAll, and adds implicit parents', () => {
    const umask = process.umask();
    const s = probe(newDest(), { hashAll: true });
    expect(s.state).toBe('ok');
    if (s.state !== 'ok') return;
    expect(s.members.map((m) => [m.path, m.type, m.mode.toString(8), m.sha256 ?? m.target ?? ''])).toEqual([
      ['a.txt', 'file', '4755', sha256Hex(A)],
      ['d2', 'dir', '700', ''],
      ['hard', 'file', '4755', sha256Hex(A)],
      ['impl', 'dir', (0o777 & ~umask).toString(8), ''],
      ['impl/deep', 'dir', (0o777 & ~umask).toString(8), ''],
      ['impl/deep/f', 'file', '644', sha256Hex(DEEP)],
      ['link', 'link', '777', 'a.txt'],
      ['sp ace', 'file', '644', sha256Hex(SP)],
    ]);
  });

  it('without hashAll hashes only members whose target is a regular file', () => {
    const dest = newDest();
    writeFileSync(join(dest, 'sp ace'), 'other');
    mkdirSync(join(dest, 'a.txt'));
    const s = probe(dest, {});
    if (s.state !== 'ok') throw new Error(s.state);
    const by = new Map(s.members.map((m) => [m.path, m]));
    expect(by.get('sp ace')).toMatchObject({ sha256: sha256Hex(SP), dest: { exists: true, type: 'file', sha256: sha256Hex('other') } });
    expect(by.get('a.txt')).toMatchObject({ sha256: undefined, dest: { exists: true, type: 'dir' } });
    expect(by.get('impl/deep/f')?.sha256).toBeUndefined();
  });

  it('fresh: with every exactly named target missing it does not read the archive; with one present it does', () => {
    const dest = newDest();
    expect(probe(dest, { fresh: true }, ['*/a.txt', '*/sp ace'])).toEqual({ state: 'fresh' });
    writeFileSync(join(dest, 'sp ace'), SP);
    const s = probe(dest, { fresh: true }, ['*/a.txt', '*/sp ace']);
    if (s.state !== 'ok') throw new Error(s.state);
    expect(s.members.map((m) => [m.path, m.sha256])).toEqual([
      ['a.txt', undefined],
      ['sp ace', sha256Hex(SP)],
    ]);
    expect(probe(dest, { fresh: true }, ['*/a.*']).state).toBe('ok');
  });

  it('reports an include that matches nothing, and a missing archive', () => {
    expect(probe(newDest(), {}, ['*/nothing'])).toMatchObject({ state: 'error', message: expect.stringContaining('Not found in archive') });
    const args = unarchiveArgsSchema.parse({ src: join(root, 'nope.tgz'), dest: '/d' });
    expect(parseArchive(spawnSync('/bin/sh', ['-c', archiveScript(args)], { encoding: 'utf8' }).stdout, '')).toEqual({ state: 'missing' });
  });

  it('a fresh run takes a pattern to name its target: where `*` matched only deeper, it replaces nothing and names include', async () => {
    const dest = newDest();
    const conn = new LocalConnection('local');
    const deeper = await executeModule(conn, unarchive, { src: archive, dest, include: ['*/f'], stripComponents: 1 });
    expect(deeper.error).toMatchObject({ code: 'ARCHIVE_FAILED', field: 'include', message: expect.stringContaining('extracts to f') });
    expect(readdirSync(dest)).toEqual([]);
    const named = { src: archive, dest, include: ['*/impl/deep/f', '*/sp ace'], stripComponents: 1 };
    const first = await executeModule(conn, unarchive, named);
    expect(first.outcome.data).toEqual({ dest, files: ['impl', 'impl/deep', 'impl/deep/f', 'sp ace'] });
    expect((await executeModule(conn, unarchive, named)).outcome.status).toBe('ok');
  });
});

import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Overlay } from '@tsplay/core/module';
import { afterAll, describe, expect, it } from 'vitest';
import { actualMatches, cleanup, fingerprint, ok, run, tempDir } from '../common/testing.js';
import { parseTree } from './facts.js';
import { file } from './index.js';

afterAll(cleanup);

const mode = (p: string) => lstatSync(p).mode & 0o7777;

describe('file state directory', () => {
  it('creates the directory and its parents, then is unchanged', async () => {
    const root = tempDir();
    const path = join(root, 'a/b/etcd');
    const first = ok(await run(file, { path, state: 'directory', mode: '0700' }));
    expect(first.outcome.status).toBe('changed');
    expect(first.plan?.summary).toBe(`would create directory ${path} mode 0700 (and parents ${join(root, 'a')}, ${join(root, 'a/b')})`);
    expect(mode(path)).toBe(0o700);
    expect(mode(join(root, 'a'))).toBe(0o755);
    expect(mode(join(root, 'a/b'))).toBe(0o755);
    const second = ok(await run(file, { path, state: 'directory', mode: '0700' }));
    expect(second.outcome.status).toBe('ok');
    const planned = ok(await run(file, { path, state: 'directory', mode: 0o700 }, { check: true }));
    expect(planned.plan?.changed).toBe(false);
  });

  it('check mode on a fresh host predicts the change and mutates nothing', async () => {
    const root = tempDir();
    const before = fingerprint(root);
    const path = join(root, 'x/y');
    const overlay = new Overlay();
    const e = ok(await run(file, { path, state: 'directory', mode: '0750' }, { check: true, overlay }));
    expect(e.outcome.status).toBe('changed');
    expect(e.plan?.predict?.paths?.[path]).toMatchObject({ exists: true, type: 'dir', mode: 0o750 });
    expect(overlay.path(join(root, 'x'))).toMatchObject({ exists: true, type: 'dir', mode: 0o755 });
    expect(e.diff?.[0]).toEqual({ path, before: 'state: absent', after: 'state: directory\nmode: 0750' });
    expect(fingerprint(root)).toEqual(before);
    // A second task in the same check run sees the predicted directory.
    const again = ok(await run(file, { path, state: 'directory', mode: '0750' }, { check: true, overlay }));
    expect(again.plan?.changed).toBe(false);
    expect(fingerprint(root)).toEqual(before);
    // The real run makes exactly the predicted state (owner and group included).
    ok(await run(file, { path, state: 'directory', mode: '0750' }));
    for (const p of [path, join(root, 'x')]) {
      const { actual, predicted } = await actualMatches(p, overlay.path(p));
      expect(actual).toEqual(predicted);
      expect(predicted).toMatchObject({ owner: 'root', group: 'root' });
    }
  });

  it('repairs a mode (0755 -> 0700), predicted in check mode and then done', async () => {
    const root = tempDir();
    const path = join(root, 'data');
    mkdirSync(path);
    chmodSync(path, 0o755);
    const check = ok(await run(file, { path, state: 'directory', mode: '0700' }, { check: true }));
    expect(check.plan?.summary).toBe(`${path}: mode 0755 -> 0700`);
    expect(check.diff).toEqual([{ path, before: 'state: directory\nmode: 0755', after: 'state: directory\nmode: 0700' }]);
    expect(mode(path)).toBe(0o755);
    const real = ok(await run(file, { path, state: 'directory', mode: '0700' }));
    expect(real.outcome.changed).toBe(true);
    expect(mode(path)).toBe(0o700);
    expect(ok(await run(file, { path, state: 'directory', mode: '0700' })).outcome.changed).toBe(false);
  });

  it('changes owner and group (we are root)', async () => {
    const root = tempDir();
    const path = join(root, 'owned');
    const args = { path, state: 'directory', owner: 'nobody', group: 'nogroup' };
    const first = ok(await run(file, args));
    expect(first.outcome.changed).toBe(true);
    expect(statSync(path).uid).toBe(65534);
    expect(statSync(path).gid).toBe(65534);
    expect(ok(await run(file, args)).outcome.changed).toBe(false);
  });

  it('recurse sets attributes below the directory only when asked', async () => {
    const root = tempDir();
    const path = join(root, 'tree');
    mkdirSync(join(path, 'sub'), { recursive: true });
    writeFileSync(join(path, 'sub/f'), 'x');
    chmodSync(join(path, 'sub/f'), 0o644);
    chmodSync(join(path, 'sub'), 0o755);
    chmodSync(path, 0o700);
    const flat = ok(await run(file, { path, state: 'directory', mode: '0700' }));
    expect(flat.outcome.changed).toBe(false);
    const check = ok(await run(file, { path, state: 'directory', mode: '0700', recurse: true }, { check: true }));
    expect(check.plan?.summary).toBe(`would set mode 0700 on 2 paths below ${path}`);
    const real = ok(await run(file, { path, state: 'directory', mode: '0700', recurse: true }));
    expect(real.outcome.changed).toBe(true);
    expect(mode(join(path, 'sub'))).toBe(0o700);
    expect(mode(join(path, 'sub/f'))).toBe(0o700);
    expect(ok(await run(file, { path, state: 'directory', mode: '0700', recurse: true })).outcome.changed).toBe(false);
  });

  it('refuses to turn a file into a directory', async () => {
    const root = tempDir();
    const path = join(root, 'f');
    writeFileSync(path, 'x');
    const e = await run(file, { path, state: 'directory' });
    expect(e.error?.code).toBe('TASK_FAILED');
    expect(e.error?.message).toContain('is a file, not a directory');
  });
});

describe('file states touch, file, absent, link', () => {
  it('touch creates an empty file once; file manages an existing one', async () => {
    const root = tempDir();
    const path = join(root, 'empty');
    const missing = await run(file, { path, state: 'file', mode: '0600' });
    expect(missing.error?.code).toBe('TASK_FAILED');
    expect(missing.error?.hint).toMatch(/touch/);
    const t = ok(await run(file, { path, state: 'touch', mode: '0640' }));
    expect(t.outcome.changed).toBe(true);
    expect(mode(path)).toBe(0o640);
    expect(statSync(path).size).toBe(0);
    expect(ok(await run(file, { path, state: 'touch', mode: '0640' })).outcome.changed).toBe(false);
    const f = ok(await run(file, { path, mode: '0600' }));
    expect(f.outcome.changed).toBe(true);
    expect(mode(path)).toBe(0o600);
  });

  it('absent removes a directory tree, then is unchanged', async () => {
    const root = tempDir();
    const path = join(root, 'gone');
    mkdirSync(join(path, 'deep'), { recursive: true });
    const check = ok(await run(file, { path, state: 'absent' }, { check: true }));
    expect(check.plan?.summary).toBe(`would remove directory ${path} and everything in it`);
    expect(existsSync(path)).toBe(true);
    expect(ok(await run(file, { path, state: 'absent' })).outcome.changed).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(ok(await run(file, { path, state: 'absent' })).outcome.changed).toBe(false);
  });

  it('link creates, keeps, and atomically retargets a symlink; force replaces a file', async () => {
    const root = tempDir();
    const path = join(root, 'current');
    expect(ok(await run(file, { path, state: 'link', src: 'v1' })).outcome.changed).toBe(true);
    expect(readlinkSync(path)).toBe('v1');
    expect(ok(await run(file, { path, state: 'link', src: 'v1' })).outcome.changed).toBe(false);
    const re = ok(await run(file, { path, state: 'link', src: 'v2' }));
    expect(re.plan?.summary).toBe(`would relink ${path} -> v2 -> v1`);
    expect(readlinkSync(path)).toBe('v2');
    const plain = join(root, 'plain');
    writeFileSync(plain, 'x');
    const refused = await run(file, { path: plain, state: 'link', src: 'v2' });
    expect(refused.error?.hint).toMatch(/force: true/);
    ok(await run(file, { path: plain, state: 'link', src: 'v2', force: true }));
    expect(readlinkSync(plain)).toBe('v2');
    symlinkSync('v3', join(root, 'other'));
    expect(ok(await run(file, { path: join(root, 'other'), state: 'link', src: 'v3' })).outcome.changed).toBe(false);
  });
});

describe('file args', () => {
  it.each([
    [{ path: '/tmp/x', state: 'directory', mode: 700 }, 'mode', /decimal/],
    [{ path: 'relative/x', state: 'directory' }, 'path', /absolute/],
    [{ path: '/tmp/x', state: 'link' }, 'src', /needs src/],
    [{ path: '/tmp/x', state: 'file', recurse: true }, 'recurse', /directory/],
    [{ path: '/tmp/x', state: 'directory', owner: '0' }, 'owner', /by name/],
    [{ path: '/tmp/x', state: 'dir' }, 'state', /./],
  ])('rejects %j naming the field', async (args, field, msg) => {
    const e = await run(file, args);
    expect(e.error?.code).toBe('ARGS_INVALID');
    expect(e.error?.field).toBe(field);
    expect(e.error?.message).toMatch(msg);
  });
});

describe('parseTree', () => {
  it('reads find -printf records, including | in names', () => {
    expect(parseTree('700|root|root|d|/x/a\x00644|nobody|nogroup|f|/x/a/b|c\x00777|root|root|l|/x/l\x00')).toEqual([
      { mode: 0o700, owner: 'root', group: 'root', type: 'dir', path: '/x/a' },
      { mode: 0o644, owner: 'nobody', group: 'nogroup', type: 'file', path: '/x/a/b|c' },
      { mode: 0o777, owner: 'root', group: 'root', type: 'link', path: '/x/l' },
    ]);
    expect(parseTree('')).toEqual([]);
  });
});

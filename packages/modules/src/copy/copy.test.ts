import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secret, type PlanContext } from '@tsplay/core';
import { Overlay } from '@tsplay/core/module';
import { afterAll, describe, expect, it } from 'vitest';
import { actualMatches, cleanup, fingerprint, ok, run, tempDir } from '../common/testing.js';
import { file } from '../file/index.js';
import { copyFacts } from './facts.js';
import { copy, copyArgsSchema } from './index.js';

afterAll(cleanup);

const mode = (p: string) => statSync(p).mode & 0o7777;

describe('copy content', () => {
  it('writes once, then is unchanged (apply and plan)', async () => {
    const root = tempDir();
    const dest = join(root, 'etcd.conf');
    const first = ok(await run(copy, { dest, content: 'name: etcd\n' }));
    expect(first.outcome.status).toBe('changed');
    expect(readFileSync(dest, 'utf8')).toBe('name: etcd\n');
    expect(mode(dest)).toBe(0o644);
    expect(ok(await run(copy, { dest, content: 'name: etcd\n' })).outcome.status).toBe('ok');
    const planned = ok(await run(copy, { dest, content: 'name: etcd\n' }, { check: true }));
    expect(planned.plan?.changed).toBe(false);
    expect(planned.outcome.data).toEqual({ dest, sha256: createHash('sha256').update('name: etcd\n').digest('hex') });
  });

  it('check mode on a fresh host predicts the write and mutates nothing', async () => {
    const root = tempDir();
    const before = fingerprint(root);
    const dest = join(root, 'new.txt');
    const e = ok(await run(copy, { dest, content: 'a\nb\n', mode: '0640' }, { check: true }));
    expect(e.outcome.status).toBe('changed');
    expect(e.plan?.summary).toBe(`would create ${dest} from content (4 bytes, mode 0640)`);
    expect(e.diff).toEqual([{ path: dest, before: '', after: 'a\nb\n' }]);
    expect(e.plan?.predict?.paths?.[dest]).toMatchObject({ exists: true, type: 'file', mode: 0o640, size: 4 });
    expect(fingerprint(root)).toEqual(before);
    const real = ok(await run(copy, { dest, content: 'a\nb\n', mode: '0640' }));
    expect(real.outcome.data).toEqual({ dest, sha256: e.plan?.predict?.paths?.[dest]?.sha256, backup: undefined });
    const { actual, predicted } = await actualMatches(dest, e.plan?.predict?.paths?.[dest]);
    expect(actual).toEqual(predicted);
    expect(Object.keys(predicted).sort()).toEqual(['exists', 'group', 'mode', 'owner', 'sha256', 'size', 'type']);
    expect(ok(await run(copy, { dest, content: 'a\nb\n', mode: '0640' }, { check: true })).plan?.changed).toBe(false);
  });

  it('updates content with a line diff, keeps mode and owner of the old file, and backs it up', async () => {
    const root = tempDir();
    const dest = join(root, 'conf');
    writeFileSync(dest, 'one\ntwo\nthree\n');
    chmodSync(dest, 0o640);
    const e = ok(await run(copy, { dest, content: 'one\n2\nthree\nfour\n', backup: true }));
    expect(e.plan?.summary).toBe(`would update ${dest} from content (+2 -1 lines); old file kept as a backup`);
    expect(e.diff).toEqual([{ path: dest, before: 'one\ntwo\nthree\n', after: 'one\n2\nthree\nfour\n' }]);
    expect(mode(dest)).toBe(0o640);
    const backup = (e.outcome.data as { backup?: string }).backup ?? '';
    expect(backup).toMatch(new RegExp(`^${dest}\\.\\d{8}T\\d{6}Z~$`));
    expect(readFileSync(backup, 'utf8')).toBe('one\ntwo\nthree\n');
    expect(ok(await run(copy, { dest, content: 'one\n2\nthree\nfour\n', backup: true })).outcome.changed).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['conf', backup.slice(root.length + 1)].sort());
  });

  it('repairs mode and owner without rewriting the content', async () => {
    const root = tempDir();
    const dest = join(root, 'key.pem');
    writeFileSync(dest, 'k');
    chmodSync(dest, 0o644);
    const args = { dest, content: 'k', mode: '0600', owner: 'nobody', group: 'nogroup' };
    const check = ok(await run(copy, args, { check: true }));
    expect(check.plan?.summary).toBe(`${dest}: mode 0644 -> 0600, owner root -> nobody, group root -> nogroup`);
    expect(check.diff).toEqual([
      { path: dest, before: 'mode: 0644\nowner: root\ngroup: root', after: 'mode: 0600\nowner: nobody\ngroup: nogroup' },
    ]);
    ok(await run(copy, args));
    expect(mode(dest)).toBe(0o600);
    expect(statSync(dest).uid).toBe(65534);
    expect(ok(await run(copy, args)).outcome.changed).toBe(false);
  });
});

describe('copy src and remoteSrc', () => {
  it('copies a workstation file (absolute path) idempotently', async () => {
    const root = tempDir();
    const src = join(tempDir(), 'ca.pem');
    writeFileSync(src, 'CERT\n');
    const dest = join(root, 'ca.pem');
    expect(ok(await run(copy, { dest, src })).outcome.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('CERT\n');
    expect(ok(await run(copy, { dest, src })).outcome.changed).toBe(false);
    writeFileSync(src, 'CERT2\n');
    expect(ok(await run(copy, { dest, src })).outcome.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('CERT2\n');
  });

  it("resolves a relative src against the run's base directory (PlanContext.baseDir)", () => {
    const base = tempDir();
    mkdirSync(join(base, 'pki'));
    writeFileSync(join(base, 'pki/ca.pem'), 'CA\n');
    const args = copyArgsSchema.parse({ dest: '/etc/etcd/ca.pem', src: 'pki/ca.pem' });
    const ctx = { host: 'h', check: true, become: false, baseDir: base } as PlanContext;
    const f = copyFacts(args, ctx);
    expect(f.local?.parse({ code: 0, stdout: '', stderr: '' })).toMatchObject({ path: join(base, 'pki/ca.pem'), size: 3 });
  });

  it('copies a file already on the host (with become)', async () => {
    const root = tempDir();
    const src = join(root, 'etcd-v3.4.23');
    writeFileSync(src, 'BINARY\0DATA');
    const dest = join(root, 'etcd');
    const first = ok(await run(copy, { dest, remoteSrc: src, mode: '0755' }, { become: true }));
    expect(first.outcome.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('BINARY\0DATA');
    expect(mode(dest)).toBe(0o755);
    expect(readdirSync(root).sort()).toEqual(['etcd', 'etcd-v3.4.23']);
    expect(ok(await run(copy, { dest, remoteSrc: src, mode: '0755' })).outcome.changed).toBe(false);
    const missing = await run(copy, { dest, remoteSrc: join(root, 'nope') });
    expect(missing.error?.code).toBe('WRITE_FAILED');
    expect(missing.error?.field).toBe('remoteSrc');
  });
});

describe('copy secrets', () => {
  it('never shows Secret content in the Execution (plan, diff, data, summary)', async () => {
    const root = tempDir();
    const dest = join(root, 'kubernetes-key.pem');
    const key = 'PRIVATE-KEY-do-not-print-0123456789';
    writeFileSync(dest, 'OLD-KEY-do-not-print-either-987654\n');
    chmodSync(dest, 0o644);
    const check = ok(await run(copy, { dest, content: secret(key) }, { check: true }));
    const real = ok(await run(copy, { dest, content: secret(key) }));
    for (const e of [check, real]) {
      const json = JSON.stringify(e);
      expect(json).not.toContain(key);
      expect(json).not.toContain('OLD-KEY');
      expect(e.diff).toEqual([{ path: dest, before: '<secret>', after: '<secret>' }]);
      expect(e.plan?.summary).toContain('secret content');
    }
    expect(readFileSync(dest, 'utf8')).toBe(key);
    expect(check.plan?.predict?.paths?.[dest]?.mode).toBe(0o600); // check mode predicts it
    expect(mode(dest)).toBe(0o600); // written secret content is 0600 without mode, whatever the old file's mode (0644 here)
    const fresh = join(root, 'fresh-key.pem');
    ok(await run(copy, { dest: fresh, content: secret(key) }));
    expect(mode(fresh)).toBe(0o600); // a new secret file defaults to 0600
  });

  it('secret: true hides a workstation file; a failing validate does not leak it', async () => {
    const root = tempDir();
    const src = join(tempDir(), 'token.txt');
    const token = 'token-abcdefghijklmnopqrstuvwxyz';
    writeFileSync(src, token);
    const dest = join(root, 'token');
    const bad = await run(copy, { dest, src, secret: true, validate: 'cat %s >&2; exit 3' });
    expect(bad.error?.code).toBe('VALIDATE_FAILED');
    expect(JSON.stringify(bad)).not.toContain(token);
    expect(bad.error?.message).not.toContain(token);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
    const good = ok(await run(copy, { dest, src, secret: true, validate: 'test -s %s' }));
    expect(JSON.stringify(good)).not.toContain(token);
    expect(readFileSync(dest, 'utf8')).toBe(token);
  });
});

describe('copy in check mode after a predicted directory (overlay)', () => {
  it('plans a copy into a directory that only an earlier check-mode task would create', async () => {
    const root = tempDir();
    const dir = join(root, 'etc/etcd');
    const dest = join(dir, 'ca.pem');
    const before = fingerprint(root);
    const alone = await run(copy, { dest, content: 'CA' }, { check: true });
    expect(alone.error?.code).toBe('WRITE_FAILED');
    const overlay = new Overlay();
    const mk = ok(await run(file, { path: dir, state: 'directory', mode: '0755' }, { check: true, overlay }));
    expect(mk.outcome.changed).toBe(true);
    const cp = ok(await run(copy, { dest, content: 'CA' }, { check: true, overlay }));
    expect(cp.outcome.changed).toBe(true);
    expect(overlay.path(dest)).toMatchObject({ exists: true, type: 'file', size: 2 });
    expect(fingerprint(root)).toEqual(before);
    // The real run then makes exactly these two changes.
    expect(ok(await run(file, { path: dir, state: 'directory', mode: '0755' })).outcome.changed).toBe(true);
    expect(ok(await run(copy, { dest, content: 'CA' })).outcome.changed).toBe(true);
  });
});

describe('copy args and errors', () => {
  it.each([
    [{ dest: '/tmp/x' }, 'content', /one of content, src or remoteSrc/],
    [{ dest: '/tmp/x', content: 'a', src: 'b' }, 'src', /only one/],
    [{ dest: '/tmp/x', content: 'a', mode: 644 }, 'mode', /decimal/],
    [{ dest: '/tmp/x', content: 'a', validate: 'true' }, 'validate', /%s/],
    [{ dest: 'x', content: 'a' }, 'dest', /absolute/],
    [{ dest: '/tmp/x', content: 42 }, 'content', /./],
    [{ dest: '/tmp/x', content: 'a', bogus: 1 }, 'bogus', /bogus/],
  ])('rejects %j naming the field', async (args, field, msg) => {
    const e = await run(copy, args);
    expect(e.error?.code).toBe('ARGS_INVALID');
    expect(e.error?.field ?? '').toBe(field);
    expect(e.error?.message).toMatch(msg);
  });

  it('names src when the workstation file is missing, and dest when it is a directory', async () => {
    const root = tempDir();
    const e = await run(copy, { dest: join(root, 'x'), src: join(root, 'missing.pem') });
    expect(e.error?.code).toBe('ARGS_INVALID');
    expect(e.error?.field).toBe('src');
    mkdirSync(join(root, 'd'));
    const d = await run(copy, { dest: join(root, 'd'), content: 'x' });
    expect(d.error?.code).toBe('WRITE_FAILED');
    expect(d.error?.field).toBe('dest');
  });
});

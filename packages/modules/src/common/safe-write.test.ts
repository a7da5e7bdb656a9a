import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secret, type Secret } from '@tsplay/core';
import { afterAll, describe, expect, it } from 'vitest';
import { copy } from '../copy/index.js';
import { file } from '../file/index.js';
import { template, templateArgs } from '../template/index.js';
import { requireRoot } from '../testing/require-root.js';
import { cleanup, ok, run, tempDir } from './testing.js';

afterAll(cleanup);

const NOBODY = 65534;
const mode = (p: string) => statSync(p).mode & 0o7777;

/** A directory anyone can rename in (0777, no sticky bit): what a host user could redirect a root write through. */
function openDir(): string {
  const d = tempDir();
  chmodSync(d, 0o777);
  return d;
}

describe('module writes go through the safe write', () => {
  it('copy (with validate or backup), file touch and file mode refuse a directory anyone can change: UNSAFE_PATH naming it, nothing written', async () => {
    const d = openDir();
    const cases: [unknown, unknown][] = [
      [copy, { dest: join(d, 'a.conf'), content: 'a\n', validate: 'test -s %s' }],
      [copy, { dest: join(d, 'old.conf'), content: 'new\n', backup: true }],
      [file, { path: join(d, 't'), state: 'touch' }],
      [file, { path: join(d, 'old.conf'), mode: '0600' }],
    ];
    writeFileSync(join(d, 'old.conf'), 'old\n');
    chmodSync(join(d, 'old.conf'), 0o644);
    for (const [mod, args] of cases) {
      const e = await run(mod, args);
      expect(e.error?.code).toBe('UNSAFE_PATH');
      expect(e.error?.field).toBe(d);
    }
    expect(readdirSync(d).sort()).toEqual(['old.conf']); // no new file, no temp file or directory left
    expect(readFileSync(join(d, 'old.conf'), 'utf8')).toBe('old\n');
    expect(mode(join(d, 'old.conf'))).toBe(0o644);
  });

  it('the sticky bit makes the same directory safe (no one can rename what root made there)', async () => {
    const d = openDir();
    chmodSync(d, 0o1777);
    ok(await run(copy, { dest: join(d, 'a.conf'), content: 'a\n', validate: 'test -s %s', mode: '0640' }));
    expect([readFileSync(join(d, 'a.conf'), 'utf8'), mode(join(d, 'a.conf'))]).toEqual(['a\n', 0o640]);
  });

  it("in a directory that is the target owner's, the write runs as that owner (root never chowns by name there)", async () => {
    requireRoot('chown to nobody and write as nobody');
    const d = tempDir();
    chownSync(d, NOBODY, NOBODY);
    ok(await run(file, { path: join(d, 'touched'), state: 'touch', owner: 'nobody', mode: '0640' }));
    ok(await run(copy, { dest: join(d, 'c.conf'), content: 'c\n', owner: 'nobody', validate: 'test -s %s' }));
    for (const f of ['touched', 'c.conf']) expect([statSync(join(d, f)).uid, statSync(join(d, f)).gid]).toEqual([NOBODY, NOBODY]);
    expect(mode(join(d, 'touched'))).toBe(0o640);
    // without naming the owner, root refuses to write in another user's directory
    const e = await run(file, { path: join(d, 'x'), state: 'touch' });
    expect([e.error?.code, existsSync(join(d, 'x'))]).toEqual(['UNSAFE_PATH', false]);
  });

  it('secret content written without mode is 0600 whatever the old mode (copy with validate, template); check predicts it', async () => {
    const d = tempDir();
    const key = join(d, 'key.pem');
    const unit = join(d, 'token.conf');
    for (const p of [key, unit]) {
      writeFileSync(p, 'old\n');
      chmodSync(p, 0o644);
    }
    const tasks: [unknown, unknown, string][] = [
      [copy, { dest: key, content: secret('KEY-1\n'), validate: 'test -s %s' }, key],
      [
        template,
        templateArgs({
          dest: unit,
          template: (v: { token: Secret<string> }) => `token=${v.token.reveal()}\n`,
          vars: { token: secret('t0k3n') },
        }),
        unit,
      ],
    ];
    for (const [mod, args, path] of tasks) {
      const check = ok(await run(mod, args, { check: true }));
      expect(check.plan?.predict?.paths?.[path]?.mode).toBe(0o600);
      ok(await run(mod, args));
      expect(mode(path)).toBe(0o600);
    }
    expect([readFileSync(key, 'utf8'), readFileSync(unit, 'utf8')]).toEqual(['KEY-1\n', 'token=t0k3n\n']);
  });
});

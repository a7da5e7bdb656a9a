import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Overlay } from '@tsplay/core/module';
import { afterAll, describe, expect, it } from 'vitest';
import { copy } from '../copy/index.js';
import { file } from '../file/index.js';
import { lineinfile } from '../lineinfile/index.js';
import { planTable } from '../kit/harness.js';
import { requireRoot } from '../testing/require-root.js';
import { textFacts } from '../testing/text-facts.js';
import { cleanup, ok, run, tempDir } from './testing.js';

afterAll(cleanup);

const NOBODY = 65534;

/** Check mode must predict the safe write's refusal: the same code and directory as the real run, nothing written by either. */
async function sameRefusal(mod: unknown, args: unknown, dir: string): Promise<void> {
  const before = readdirSync(dir).sort();
  const checked = await run(mod, args, { check: true });
  expect([checked.outcome.status, checked.error?.code, checked.error?.field]).toEqual(['failed', 'UNSAFE_PATH', dir]);
  const real = await run(mod, args);
  expect([real.outcome.status, real.error?.code, real.error?.field]).toEqual(['failed', 'UNSAFE_PATH', dir]);
  expect(readdirSync(dir).sort()).toEqual(before);
}

describe('--check predicts the safe write refusal (UNSAFE_PATH)', () => {
  it('in a directory anyone can change (0777, no sticky bit): copy, file touch/directory/mode, lineinfile', async () => {
    const d = tempDir();
    chmodSync(d, 0o777);
    writeFileSync(join(d, 'old.conf'), 'old\n');
    await sameRefusal(copy, { dest: join(d, 'a.conf'), content: 'a\n' }, d);
    await sameRefusal(file, { path: join(d, 't'), state: 'touch' }, d);
    await sameRefusal(file, { path: join(d, 'sub'), state: 'directory' }, d);
    await sameRefusal(file, { path: join(d, 'old.conf'), mode: '0600' }, d);
    await sameRefusal(lineinfile, { path: join(d, 'old.conf'), line: 'x' }, d);
  });

  it('below such a directory, a missing parent is made by mkdir -p from the nearest existing one: refused there', async () => {
    const d = tempDir();
    chmodSync(d, 0o777);
    await sameRefusal(file, { path: join(d, 'a/b/c'), state: 'directory' }, d);
  });

  it('an unchanged file in such a directory is no write: ok in check and run', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'same.conf'), 'same\n');
    chmodSync(join(d, 'same.conf'), 0o644);
    chmodSync(d, 0o777);
    const checked = ok(await run(copy, { dest: join(d, 'same.conf'), content: 'same\n', mode: '0644' }, { check: true }));
    expect(checked.outcome.status).toBe('ok');
  });

  it("in another user's directory: refused for root's file, written as that user when it is the file's owner", async () => {
    requireRoot('chown a directory to nobody');
    const d = tempDir();
    chownSync(d, NOBODY, NOBODY);
    chmodSync(d, 0o755);
    await sameRefusal(copy, { dest: join(d, 'c.conf'), content: 'c\n' }, d);
    await sameRefusal(file, { path: join(d, 'sub'), state: 'directory', owner: 'root' }, d);
    const args = { dest: join(d, 'n.conf'), content: 'n\n', owner: 'nobody' };
    expect(ok(await run(copy, args, { check: true })).outcome.status).toBe('changed');
    expect(ok(await run(copy, args)).outcome.status).toBe('changed');
    expect(statSync(join(d, 'n.conf')).uid).toBe(NOBODY);
  });

  it('a directory an earlier task makes root-owned 0755 is safe; one it chowns to another user is not changed (the overlay)', async () => {
    requireRoot('chown a directory to nobody');
    const d = tempDir();
    const made = join(d, 'made');
    mkdirSync(made);
    chownSync(made, NOBODY, NOBODY);
    // A check run of two tasks: chown the dir to root, then write in it.
    const overlay = new Overlay();
    overlay.record({ paths: { [made]: { exists: true, type: 'dir', mode: 0o755, owner: 'root', group: 'root' } } }, 'file made');
    const safe = await run(copy, { dest: join(made, 'x'), content: 'x\n' }, { check: true, overlay });
    expect([safe.outcome.status, safe.error?.code]).toEqual(['changed', undefined]);
    overlay.record({ paths: { [made]: { exists: true, type: 'dir', mode: 0o755, owner: 'nobody', group: 'nogroup' } } }, 'file made');
    // Without become, whether nobody is the login user is not known from the overlay: unknown, never changed.
    const refused = await run(copy, { dest: join(made, 'x'), content: 'x\n' }, { check: true, overlay });
    expect([refused.outcome.status, refused.error?.code]).toEqual(['unknown', undefined]);
    expect(existsSync(join(made, 'x'))).toBe(false);
  });
});

const P = '/srv/app/app.conf';
planTable(
  lineinfile,
  [
    {
      name: 'a refusing directory above the file fails the plan with UNSAFE_PATH naming it',
      args: { path: P, line: 'x' },
      facts: { ...textFacts('a\n'), safe: { '/srv': 'refuse' } },
      error: { code: 'UNSAFE_PATH', field: '/srv' },
    },
    {
      name: 'the deepest refusing directory is named',
      args: { path: P, line: 'x' },
      facts: { ...textFacts('a\n'), safe: { '/srv': 'refuse', '/srv/app': 'owner:bob' } },
      error: { code: 'UNSAFE_PATH', field: '/srv/app' },
    },
    {
      name: "another user's directory refuses a file that keeps root as owner",
      args: { path: P, line: 'x' },
      facts: { ...textFacts('a\n'), safe: { '/srv/app': 'owner:bob' } },
      error: { code: 'UNSAFE_PATH', field: '/srv/app' },
    },
    {
      name: 'no change, no write: a refusing directory does not matter',
      args: { path: P, line: 'a' },
      facts: { ...textFacts('a\n'), safe: { '/srv/app': 'refuse' } },
      plan: { changed: false },
    },
  ],
  { it, expect },
);

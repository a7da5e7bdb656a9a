import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Overlay } from '@tsplay/core/module';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, ok, run, tempDir } from '../common/testing.js';
import { copy } from '../copy/index.js';
import { planTable } from '../kit/harness.js';
import { stat } from './index.js';

afterAll(cleanup);

planTable(
  stat,
  [
    {
      name: 'a missing path',
      args: { path: '/nope' },
      facts: { target: { exists: false } },
      plan: { changed: false, summary: '/nope: does not exist', data: { path: '/nope', exists: false } },
    },
    {
      name: 'a file',
      args: { path: '/etc/x' },
      facts: { target: { exists: true, type: 'file', mode: 0o640, owner: 'root', group: 'adm', size: 3 } },
      plan: { changed: false, summary: '/etc/x: file, mode 0640, root:adm, 3 bytes', data: { path: '/etc/x', mode: 0o640, group: 'adm' } },
    },
    { name: 'a relative path is an args error', args: { path: 'x' }, error: { code: 'ARGS_INVALID', field: 'path' } },
  ],
  { it, expect },
);

describe('stat on the local host', () => {
  it('returns the real state with its hash, and in check mode the state an earlier task predicts', async () => {
    const root = tempDir();
    const path = join(root, 'f');
    writeFileSync(path, 'abc');
    chmodSync(path, 0o600);
    const e = ok(await run(stat, { path, hash: true }));
    expect(e.outcome.data).toMatchObject({
      path,
      exists: true,
      type: 'file',
      mode: 0o600,
      size: 3,
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    const overlay = new Overlay();
    const other = join(root, 'g');
    ok(await run(copy, { dest: other, content: 'xyz', mode: '0640' }, { check: true, overlay }));
    const predicted = ok(await run(stat, { path: other }, { check: true, overlay }));
    expect(predicted.outcome.data).toMatchObject({ exists: true, mode: 0o640, size: 3 });
  });
});

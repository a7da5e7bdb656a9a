import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { planTable } from '@tsplay/modules/kit';
import { afterAll, expect, it } from 'vitest';
import { motd } from './motd.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

planTable(
  motd,
  [
    { name: 'same text: no change', args: { text: 'hi' }, facts: { old: { kind: 'text', text: 'hi\n' } }, plan: { changed: false } },
    {
      name: 'new text: an exact prediction and a diff',
      args: { text: 'hello' },
      facts: { old: { kind: 'absent' } },
      plan: {
        changed: true,
        diff: [{ path: '/etc/motd', before: '', after: 'hello\n' }],
        predict: { paths: { '/etc/motd': { exists: true, type: 'file', size: 6, sha256: sha('hello\n'), mode: 0o644, owner: 'root' } } },
      },
    },
    {
      name: 'too long: a coded error naming the field',
      args: { text: 'x\n'.repeat(30) },
      facts: { old: { kind: 'absent' } },
      error: { code: 'MOTD_TOO_LONG', field: 'text' },
    },
    { name: 'a relative path is an args error', args: { text: 'x', path: 'motd' }, error: { code: 'ARGS_INVALID', field: 'path' } },
  ],
  { it, expect },
);

const dir = mkdtempSync(join(tmpdir(), 'tsplay-motd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('writes what it predicted, then changes nothing (local host)', async () => {
  const conn = new LocalConnection('local');
  const path = join(dir, 'motd');
  const first = await executeModule(conn, motd, { text: 'welcome', path });
  expect(first.outcome.status).toBe('changed');
  expect(readFileSync(path, 'utf8')).toBe('welcome\n');
  expect(statSync(path).mode & 0o777).toBe(0o644);
  expect((await executeModule(conn, motd, { text: 'welcome', path })).outcome.status).toBe('ok');
});

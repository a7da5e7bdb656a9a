import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { planTable } from '../kit/harness.js';
import { cleanup, ok, run, tempDir } from '../common/testing.js';
import { textFacts } from '../testing/text-facts.js';
import { lineinfile } from './index.js';
import { editLines } from './plan.js';
import { lineinfileArgsSchema } from './args.js';

afterAll(cleanup);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const P = '/etc/ssh/sshd_config';
const edit = (text: string | undefined, a: Record<string, unknown>) => editLines(text, lineinfileArgsSchema.parse({ path: P, ...a }));

describe('lineinfile edits (pure)', () => {
  it.each([
    ['appends a missing line', 'a\nb\n', { line: 'c' }, 'a\nb\nc\n'],
    ['leaves a present line', 'a\nc\nb\n', { line: 'c' }, 'a\nc\nb\n'],
    [
      'replaces the last regexp match',
      'PermitRootLogin yes\nX\nPermitRootLogin yes\n',
      { line: 'PermitRootLogin no', regexp: '^PermitRootLogin' },
      'PermitRootLogin yes\nX\nPermitRootLogin no\n',
    ],
    ['inserts after the last match', 'a\n[s]\nb\n', { line: 'k=v', insertafter: '^\\[s\\]' }, 'a\n[s]\nk=v\nb\n'],
    ['inserts at the beginning', 'a\n', { line: '#!x', insertbefore: 'BOF' }, '#!x\na\n'],
    ['appends after a last line without newline', 'a', { line: 'b' }, 'a\nb\n'],
    ['keeps a missing final newline when inserting before', 'a\nb', { line: 'x', insertbefore: '^b' }, 'a\nx\nb'],
    ['removes matching lines', 'a\n#x\nb\n#y\n', { state: 'absent', regexp: '^#' }, 'a\nb\n'],
    ['removes an exact line', 'a\nb\n', { state: 'absent', line: 'a' }, 'b\n'],
    ['creates the file with create', undefined, { line: 'x', create: true }, 'x\n'],
    ['leaves a missing file missing for absent', undefined, { state: 'absent', line: 'x' }, undefined],
  ])('%s', (_n, text, a, want) => expect(edit(text, a)).toBe(want));
});

planTable(
  lineinfile,
  [
    {
      name: 'a present line plans no change',
      args: { path: P, line: 'UseDNS no' },
      facts: textFacts('UseDNS no\n'),
      plan: { changed: false },
    },
    {
      name: 'a missing line plans an exact write with a diff and keeps the mode',
      args: { path: P, line: 'UseDNS no' },
      facts: textFacts('Port 22\n', { mode: 0o600 }),
      plan: {
        changed: true,
        summary: `would update ${P} from lineinfile (+1 -0 lines)`,
        diff: [{ path: P, before: 'Port 22\n', after: 'Port 22\nUseDNS no\n' }],
        predict: {
          paths: {
            [P]: { exists: true, type: 'file', mode: 0o600, owner: 'root', group: 'root', size: 18, sha256: sha('Port 22\nUseDNS no\n') },
          },
        },
      },
    },
    {
      name: 'a missing file without create is an error naming path',
      args: { path: P, line: 'x' },
      facts: textFacts(undefined),
      error: { code: 'WRITE_FAILED', field: 'path' },
    },
    {
      name: 'a bad regexp is an args error naming regexp',
      args: { path: P, line: 'x', regexp: '(' },
      error: { code: 'ARGS_INVALID', field: 'regexp' },
    },
    { name: 'a relative path is an args error', args: { path: 'etc/x', line: 'x' }, error: { code: 'ARGS_INVALID', field: 'path' } },
    { name: 'present without line is an args error naming line', args: { path: P }, error: { code: 'ARGS_INVALID', field: 'line' } },
  ],
  { it, expect },
);

describe('lineinfile on the local host', () => {
  it('check predicts the exact file, apply writes it atomically, a re-run is unchanged', async () => {
    const path = join(tempDir(), 'conf');
    writeFileSync(path, 'a=1\nb=2\n', { mode: 0o640 });
    const args = { path, line: 'b=3', regexp: '^b=' };
    const check = ok(await run(lineinfile, args, { check: true }));
    expect(readFileSync(path, 'utf8')).toBe('a=1\nb=2\n');
    ok(await run(lineinfile, args));
    expect(readFileSync(path, 'utf8')).toBe('a=1\nb=3\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const actual = await run(lineinfile, args, { check: true });
    expect(actual.outcome.changed).toBe(false);
    const st = statSync(path);
    expect(check.plan?.predict?.paths?.[path]).toMatchObject({ size: st.size, mode: 0o640 });
    expect(ok(await run(lineinfile, args)).outcome.status).toBe('ok');
  });
});

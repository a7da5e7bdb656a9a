import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planTable } from '../kit/harness.js';
import { cleanup, ok, run, tempDir } from '../common/testing.js';
import { textFacts } from '../testing/text-facts.js';
import { blockinfileArgsSchema } from './args.js';
import { blockinfile } from './index.js';
import { editBlock } from './plan.js';

afterAll(cleanup);
const P = '/etc/hosts';
const M = (k: string) => `# ${k} TSPLAY MANAGED BLOCK`;
const edit = (text: string | undefined, a: Record<string, unknown>) => editBlock(text, blockinfileArgsSchema.parse({ path: P, ...a }));

describe('blockinfile edits (pure)', () => {
  it.each([
    ['appends a new block', 'a\n', { block: 'x\ny\n' }, `a\n${M('BEGIN')}\nx\ny\n${M('END')}\n`],
    [
      'replaces the content of an existing block',
      `a\n${M('BEGIN')}\nold\n${M('END')}\nb\n`,
      { block: 'new' },
      `a\n${M('BEGIN')}\nnew\n${M('END')}\nb\n`,
    ],
    ['leaves an equal block', `${M('BEGIN')}\nx\n${M('END')}\n`, { block: 'x' }, `${M('BEGIN')}\nx\n${M('END')}\n`],
    ['removes the block and its markers', `a\n${M('BEGIN')}\nx\n${M('END')}\nb\n`, { state: 'absent' }, 'a\nb\n'],
    ['inserts before a match', 'a\nb\n', { block: 'x', insertbefore: '^b', marker: '## {mark}' }, 'a\n## BEGIN\nx\n## END\nb\n'],
    ['creates the file', undefined, { block: 'x', create: true }, `${M('BEGIN')}\nx\n${M('END')}\n`],
  ])('%s', (_n, text, a, want) => expect(edit(text, a)).toBe(want));
});

planTable(
  blockinfile,
  [
    {
      name: 'an equal block plans no change',
      args: { path: P, block: 'x' },
      facts: textFacts(`${M('BEGIN')}\nx\n${M('END')}\n`),
      plan: { changed: false },
    },
    {
      name: 'a changed block plans a write',
      args: { path: P, block: 'y' },
      facts: textFacts(`${M('BEGIN')}\nx\n${M('END')}\n`),
      plan: { changed: true, summary: `would update ${P} from blockinfile (+1 -1 lines)` },
    },
    {
      name: 'a marker without {mark} is an args error naming marker',
      args: { path: P, marker: '# block' },
      error: { code: 'ARGS_INVALID', field: 'marker' },
    },
    {
      name: 'both insertafter and insertbefore is an args error',
      args: { path: P, insertafter: 'a', insertbefore: 'b' },
      error: { code: 'ARGS_INVALID', field: 'insertbefore' },
    },
  ],
  { it, expect },
);

describe('blockinfile on the local host', () => {
  it('writes the block once; a re-run and a check are unchanged', async () => {
    const path = join(tempDir(), 'hosts');
    writeFileSync(path, '127.0.0.1 localhost\n');
    const args = { path, block: '10.0.0.1 a\n10.0.0.2 b\n' };
    expect(ok(await run(blockinfile, args, { check: true })).outcome.changed).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n');
    ok(await run(blockinfile, args));
    expect(readFileSync(path, 'utf8')).toBe(`127.0.0.1 localhost\n${M('BEGIN')}\n10.0.0.1 a\n10.0.0.2 b\n${M('END')}\n`);
    expect(ok(await run(blockinfile, args)).outcome.status).toBe('ok');
  });
});

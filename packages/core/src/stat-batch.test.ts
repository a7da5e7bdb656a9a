import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchScript, splitBatch } from './batch.js';
import { commandFact, pathFact, pathScript, type FactQuery } from './facts.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-stat-batch-'));
const at = (name: string) => join(dir, name);
writeFileSync(at('file'), 'content\n', { mode: 0o640 });
writeFileSync(at('empty'), '');
writeFileSync(at('a|b'), 'pipe in the name');
writeFileSync(at('two words'), 'space in the name');
writeFileSync(at('line\nbreak'), 'line break in the name');
mkdirSync(at('dir'), { mode: 0o750 });
symlinkSync(at('file'), at('link'));
symlinkSync('/nowhere/at|all', at('dangling'));
const NAMES = ['file', 'empty', 'a|b', 'b', 'two words', 'line\nbreak', 'dir', 'link', 'dangling', 'missing', 'dir/missing'];

/** What the fact's own script prints for the path, alone. */
function own(path: string): string {
  const r = spawnSync('/bin/sh', ['-c', pathScript(path, false)], { encoding: 'utf8' });
  return r.stdout;
}

function run(facts: readonly FactQuery[], shell = '/bin/sh') {
  const script = batchScript(facts, 'NONCE');
  return { script, results: splitBatch(spawnSync(shell, ['-c', script], { encoding: 'utf8' }).stdout, facts, 'NONCE') };
}

describe('plain path facts share one stat', () => {
  it.each(['/bin/sh', 'bash', 'dash'])('answers each path as its own script would, under %s', (shell) => {
    const facts = [...NAMES.map((n) => pathFact(at(n))), commandFact('x', 'echo between; echo err >&2; exit 3', (r) => r)];
    const { script, results } = run(facts, shell);
    NAMES.forEach((n, i) => expect(results[i], n).toEqual({ stdout: own(at(n)), stderr: '', code: 0 }));
    expect(results[NAMES.length]).toEqual({ stdout: 'between\n', stderr: 'err\n', code: 3 });
    // what the comparison covers: a file, a directory, links (one dangling, its target with '|'), missing paths
    const parsed = NAMES.map((n, i) => facts[i]?.parse(results[i] ?? { stdout: '', stderr: '', code: 0 }));
    expect(parsed.map((p) => (p as { type?: string }).type)).toEqual([
      'file',
      'file',
      'file',
      undefined,
      'file',
      'file',
      'dir',
      'link',
      'link',
      undefined,
      undefined,
    ]);
    expect(parsed[8]).toMatchObject({ target: '/nowhere/at|all' });
    expect(parsed[0]).toMatchObject({ mode: 0o640, size: 8 });
    // one stat for the paths (a name with a line break keeps its own frame and script)
    expect(script.match(/stat -c '%F\|%a\|%U\|%G\|%s\|%n'/g)).toHaveLength(1);
    expect(script.match(/ O \d+\\n/g)).toHaveLength(2);
  });

  it('leaves a lone path fact, and hashed ones, in frames of their own', () => {
    const lone = batchScript([pathFact(at('file')), commandFact('x', 'true', () => 1)], 'N');
    expect(lone).not.toContain('%n');
    const hashed = batchScript([pathFact(at('file'), { hash: true }), pathFact(at('dir'), { hash: true })], 'N');
    expect(hashed).not.toContain('%n');
  });

  it('says the probe is incomplete when the shared block is cut off', () => {
    const facts = [pathFact(at('file')), pathFact(at('dir'))];
    const out = spawnSync('/bin/sh', ['-c', batchScript(facts, 'NONCE')], { encoding: 'utf8' }).stdout;
    expect(() => splitBatch(out.slice(0, out.indexOf('NONCE T')), facts, 'NONCE')).toThrow(/incomplete/);
  });
});

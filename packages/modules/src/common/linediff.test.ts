import { describe, expect, it } from 'vitest';
import { diffStat, lineDiff, unifiedDiff } from './linediff.js';

describe('lineDiff', () => {
  it('keeps common lines and marks changes', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual([
      { op: ' ', line: 'a' },
      { op: '-', line: 'b' },
      { op: '+', line: 'B' },
      { op: ' ', line: 'c' },
      { op: '+', line: 'd' },
    ]);
  });
  it('handles empty sides', () => {
    expect(lineDiff('', 'x\n')).toEqual([{ op: '+', line: 'x' }]);
    expect(lineDiff('x\n', '')).toEqual([{ op: '-', line: 'x' }]);
    expect(lineDiff('', '')).toEqual([]);
  });
  it('counts added and removed lines', () => {
    expect(diffStat('1\n2\n3\n4\n', '1\n3\n4\n5\n6\n')).toEqual({ added: 2, removed: 1 });
  });
  it('finds a moved block as a minimal edit', () => {
    expect(diffStat('a\nb\nc\nd\n', 'b\nc\nd\na\n')).toEqual({ added: 1, removed: 1 });
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n')).toBe('');
  });
  it('prints hunks with context and line numbers', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
    const after = ['1', '2', '3', '4', '5', 'six', '7', '8', '9', '10'].join('\n');
    expect(unifiedDiff(before, after, { path: '/etc/x', context: 2 })).toBe(
      ['--- /etc/x (before)', '+++ /etc/x (after)', '@@ -4,5 +4,5 @@', ' 4', ' 5', '-6', '+six', ' 7', ' 8'].join('\n'),
    );
  });
  it('numbers a hunk that adds to an empty file from 0', () => {
    expect(unifiedDiff('', 'a\nb\n', { path: 'f' })).toBe(['--- f (before)', '+++ f (after)', '@@ -0,0 +1,2 @@', '+a', '+b'].join('\n'));
  });
});

describe('unifiedDiff (jsdiff)', () => {
  it('shows a change of only the trailing newline', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb', { path: 'f' })).toBe(
      ['--- f (before)', '+++ f (after)', '@@ -1,2 +1,2 @@', ' a', '-b', '+b', '\\ No newline at end of file'].join('\n'),
    );
    expect(diffStat('a\nb', 'a\nb\n')).toEqual({ added: 1, removed: 1 });
  });
  it('gives two small hunks for two edits in a 3,000-line file', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i + 1}`);
    const after = [...lines];
    after[99] = 'changed 100';
    after[2899] = 'changed 2900';
    const text = unifiedDiff(`${lines.join('\n')}\n`, `${after.join('\n')}\n`, { path: 'big' });
    expect(text.split('\n')).toEqual([
      '--- big (before)',
      '+++ big (after)',
      '@@ -97,7 +97,7 @@',
      ' line 97',
      ' line 98',
      ' line 99',
      '-line 100',
      '+changed 100',
      ' line 101',
      ' line 102',
      ' line 103',
      '@@ -2897,7 +2897,7 @@',
      ' line 2897',
      ' line 2898',
      ' line 2899',
      '-line 2900',
      '+changed 2900',
      ' line 2901',
      ' line 2902',
      ' line 2903',
    ]);
    expect(diffStat(lines.join('\n'), after.join('\n'))).toEqual({ added: 2, removed: 2 });
  });
});

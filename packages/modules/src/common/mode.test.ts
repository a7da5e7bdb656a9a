import { describe, expect, it } from 'vitest';
import { formatMode, modeSchema } from './mode.js';

describe('modeSchema', () => {
  it.each([
    ['0700', 0o700],
    ['755', 0o755],
    ['0644', 0o644],
    [0o600, 0o600],
    [0o755, 0o755],
    [0o640, 0o640],
    ['4755', 0o4755],
  ])('accepts %s', (input, want) => {
    expect(modeSchema.parse(input)).toBe(want);
  });
  it.each([[700], [600], [644], [0o4755], ['0999'], ['rwx'], [-1], [0o17777]])('rejects %s with a hint', (input) => {
    const r = modeSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/mode/);
  });
  it('formats', () => {
    expect(formatMode(0o700)).toBe('0700');
    expect(formatMode(0o4755)).toBe('04755');
  });
});

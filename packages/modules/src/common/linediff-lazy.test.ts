import { describe, expect, it } from 'vitest';

describe('jsdiff is loaded lazily', () => {
  it('importing the modules package does not load it; the first diff does', async () => {
    const m = await import('./linediff.js');
    await import('../index.js');
    expect(m.diffLoaded()).toBe(false);
    expect(m.unifiedDiff('a\n', 'b\n')).toContain('+b');
    expect(m.diffLoaded()).toBe(true);
  });
});

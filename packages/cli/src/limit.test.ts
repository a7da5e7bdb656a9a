import { describe, expect, it } from 'vitest';
import { connectLimit, limiter } from './limit.js';

describe('limiter', () => {
  it('never runs more than n at once, runs every call, in order, and passes results and errors through', async () => {
    const run = limiter(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const job = (i: number) =>
      run(async () => {
        started.push(i);
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active -= 1;
        if (i === 3) throw new Error('boom 3');
        return i * 10;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(job));
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 10, 20, 'boom 3', 40, 50]);
  });

  it('the bound comes from TSPLAY_CONNECT_LIMIT, 32 when unset or not a positive integer', () => {
    expect(connectLimit({})).toBe(32);
    expect(connectLimit({ TSPLAY_CONNECT_LIMIT: '8' })).toBe(8);
    expect(connectLimit({ TSPLAY_CONNECT_LIMIT: '0' })).toBe(32);
    expect(connectLimit({ TSPLAY_CONNECT_LIMIT: 'x' })).toBe(32);
  });
});

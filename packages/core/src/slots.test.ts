import { describe, expect, it } from 'vitest';
import { Slots } from './slots.js';

describe('Slots', () => {
  it('lets `size` in at once, the next in the order they asked', async () => {
    const s = new Slots(2);
    await s.take();
    await s.take();
    const order: number[] = [];
    const third = s.take().then(() => order.push(3));
    const fourth = s.take().then(() => order.push(4));
    await Promise.resolve();
    expect(order).toEqual([]);
    s.give();
    await third;
    expect(order).toEqual([3]);
    s.give();
    await fourth;
    expect(order).toEqual([3, 4]);
  });
});

describe('Slots.use', () => {
  it('never runs more than size at once, runs every call, in order, and passes results and errors through', async () => {
    const slots = new Slots(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const job = (i: number) =>
      slots.use(async () => {
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
});

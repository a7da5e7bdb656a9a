import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineModule } from '../module.js';
import { task } from '../playbook.js';
import { Slots } from '../slots.js';
import { Lanes } from './lanes.js';
import type { PlannedPlay } from './plan-types.js';

const noop = defineModule({ name: 'noop', args: z.strictObject({}), facts: () => ({}), plan: () => ({ changed: false, summary: '' }) });
const [a, b, c] = ['a', 'b', 'c'].map((name) => task(noop, {}, { name }));
const play = { tasks: [a, b, c].map((t, index) => ({ task: t, index })) } as unknown as PlannedPlay;
const elsewhere = task(noop, {}, { name: 'other play' });

describe('Lanes', () => {
  it("another host's result is final once that host is past the task; the same or a later task reads as not run", () => {
    const lanes = new Lanes(play, ['h0', 'h1'], new Slots(2));
    lanes.reach('h1', 2);
    expect(lanes.final('h0', a as never, 2)).toEqual({ host: 'h0', index: 0 });
    lanes.reach('h0', 1);
    expect(lanes.final('h0', a as never, 2)).toBe('final');
    expect(lanes.final('h0', b as never, 2)).toEqual({ host: 'h0', index: 1 });
    expect(lanes.final('h0', c as never, 2)).toBe('not yet run');
    expect(lanes.final('h0', elsewhere as never, 2)).toBe('final');
    expect(lanes.final('h9', a as never, 2)).toBe('final');
    lanes.leave('h0');
    expect(lanes.final('h0', b as never, 2)).toBe('final');
  });

  it('a wait gives its fork slot back until the other host is past the task, then takes it again', async () => {
    const forks = new Slots(1);
    const lanes = new Lanes(play, ['h0', 'h1'], forks);
    await forks.take(); // h1's task holds the only slot
    let woke = false;
    const waiting = lanes.wait({ host: 'h0', index: 0 }).then(() => (woke = true));
    await forks.take(); // h0 gets the slot meanwhile (else this would never resolve)
    lanes.reach('h0', 0);
    await Promise.resolve();
    expect(woke).toBe(false);
    lanes.reach('h0', 1);
    forks.give();
    await waiting;
    expect(woke).toBe(true);
  });
});

import { describe, expect, test } from 'vitest';
import { DEFAULT_WAVE, mapLimit, planWaves, runWaves, waveSize } from './waves.js';

describe('planWaves', () => {
  test('consecutive waves of at most `size`, the last one smaller', () => {
    expect(planWaves([0, 1, 2, 3, 4, 5, 6], 3)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(planWaves([0, 1], 8)).toEqual([[0, 1]]);
    expect(planWaves([], 8)).toEqual([]);
  });

  test('200 hosts in waves of 8: 25 waves, every host once, in order', () => {
    const hosts = Array.from({ length: 200 }, (_, i) => i);
    const waves = planWaves(hosts, 8);
    expect(waves).toHaveLength(25);
    expect(waves.every((w) => w.length === 8)).toBe(true);
    expect(waves.flat()).toEqual(hosts);
  });

  test('a size below 1 is refused', () => {
    expect(() => planWaves([1], 0)).toThrow(RangeError);
  });
});

describe('waveSize', () => {
  test('option, then TSPLAY_LAB_WAVE, then the default', () => {
    expect(waveSize(undefined, {})).toBe(DEFAULT_WAVE);
    expect(waveSize(undefined, { TSPLAY_LAB_WAVE: '12' })).toBe(12);
    expect(waveSize(4, { TSPLAY_LAB_WAVE: '12' })).toBe(4);
  });

  test('not an integer from 1 to 64: USAGE naming the field', () => {
    for (const bad of [0, 65, 2.5, Number.NaN])
      expect(() => waveSize(bad, {})).toThrow(expect.objectContaining({ code: 'USAGE', field: 'wave' }));
    expect(() => waveSize(undefined, { TSPLAY_LAB_WAVE: 'many' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

/** A fake boot: records which items are booting at once; `ready` resolves after a tick (or rejects for `bad`). */
function fakeBoot(bad?: number) {
  const events: string[] = [];
  let booting = 0;
  let peak = 0;
  const started: number[] = [];
  return {
    events,
    started,
    peak: () => peak,
    hooks: {
      start: async (i: number) => {
        started.push(i);
        booting += 1;
        peak = Math.max(peak, booting);
        events.push(`start ${i}`);
      },
      ready: async (i: number) => {
        await new Promise((r) => setTimeout(r, 1 + (i % 3)));
        booting -= 1;
        events.push(`ready ${i}`);
        if (i === bad) throw Object.assign(new Error(`controller-${i} did not accept an SSH login`), { host: `controller-${i}` });
      },
      name: (i: number) => `controller-${i}`,
    },
  };
}

describe('runWaves', () => {
  test('never more than `size` booting at once; a wave starts only when the previous one is ready; one line per wave', async () => {
    const boot = fakeBoot();
    const lines: string[] = [];
    const r = await runWaves([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4, { ...boot.hooks, log: (l) => lines.push(l) });
    expect(r.waves).toBe(3);
    expect(boot.peak()).toBe(4);
    expect(boot.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // host 4 (wave 2) starts after every host of wave 1 is ready
    const at = (e: string): number => boot.events.indexOf(e);
    for (const i of [0, 1, 2, 3]) expect(at(`ready ${i}`)).toBeLessThan(at('start 4'));
    for (const i of [4, 5, 6, 7]) expect(at(`ready ${i}`)).toBeLessThan(at('start 8'));
    expect(lines.map((l) => l.replace(/in [\d.]+ s/, 'in T s'))).toEqual([
      '  wave 1/3: controller-0..controller-3 up in T s (4/10)',
      '  wave 2/3: controller-4..controller-7 up in T s (8/10)',
      '  wave 3/3: controller-8..controller-9 up in T s (10/10)',
    ]);
  });

  test('a host that fails stops the boot after its wave settled, with its own error; later waves never start', async () => {
    const boot = fakeBoot(5);
    await expect(runWaves([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4, boot.hooks)).rejects.toMatchObject({ host: 'controller-5' });
    expect(boot.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const i of [4, 6, 7]) expect(boot.events).toContain(`ready ${i}`);
  });
});

describe('mapLimit', () => {
  test('results in input order with at most `limit` running', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (x, i) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, x));
      running -= 1;
      return `${i}:${x}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(peak).toBe(2);
  });

  test('the first error is thrown after the running calls finished', async () => {
    let finished = 0;
    await expect(
      mapLimit([1, 2, 3], 3, async (x) => {
        await new Promise((r) => setTimeout(r, x * 5));
        finished += 1;
        if (x === 1) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(finished).toBe(3);
  });
});

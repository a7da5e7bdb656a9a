import { describe, expect, test } from 'vitest';
import { defaultScalingRounds, describeRounds, scalingRounds } from './rounds.js';

describe('scaling rounds per host count', () => {
  test('default: all rounds below 50 hosts, 2 from 50, 1 from 100', () => {
    expect([3, 20, 49, 50, 99, 100, 200].map((h) => defaultScalingRounds(h, 5))).toEqual([5, 5, 5, 2, 2, 1, 1]);
    expect(defaultScalingRounds(50, 1)).toBe(1);
  });

  test('one number for every N, or one per N', () => {
    expect([...(scalingRounds([3, 200], 5, '3') as Map<number, number>)]).toEqual([
      [3, 3],
      [200, 3],
    ]);
    expect([...(scalingRounds([3, 200], 5, '4,1') as Map<number, number>)]).toEqual([
      [3, 4],
      [200, 1],
    ]);
    expect([...(scalingRounds([3, 10, 100], 5, undefined) as Map<number, number>)]).toEqual([
      [3, 5],
      [10, 5],
      [100, 1],
    ]);
    expect(scalingRounds([3, 10], 5, '1,2,3')).toMatch(/3 entries for 2/);
    expect(scalingRounds([3], 5, '0')).toMatch(/positive/);
  });

  test('described for the output', () => {
    expect(
      describeRounds(
        new Map([
          [3, 5],
          [10, 5],
          [50, 2],
          [100, 1],
          [200, 1],
        ]),
      ),
    ).toBe('5 rounds at 3, 10 hosts; 2 at 50; 1 at 100, 200');
  });
});

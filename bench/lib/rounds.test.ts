import { describe, expect, test } from 'vitest';
import { defaultScalingRounds, describeRounds, parseScaleFlags, scalingRounds, toolsAt } from './rounds.js';

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

describe('tools per scaling size', () => {
  const all = ['tsplay', 'ansible', 'mitogen'] as const;
  test('Mitogen up to --mitogen-up-to; Ansible up to --ansible-up-to; tsplay always; no --ansible-up-to = every size', () => {
    expect(toolsAt(all, 20, { mitogenUpTo: 20 })).toEqual(['tsplay', 'ansible', 'mitogen']);
    expect(toolsAt(all, 50, { mitogenUpTo: 20 })).toEqual(['tsplay', 'ansible']);
    expect(toolsAt(all, 1000, { mitogenUpTo: 20 })).toEqual(['tsplay', 'ansible']);
    expect(toolsAt(all, 200, { mitogenUpTo: 20, ansibleUpTo: 200 })).toEqual(['tsplay', 'ansible']);
    expect(toolsAt(all, 500, { mitogenUpTo: 20, ansibleUpTo: 200 })).toEqual(['tsplay']);
    expect(toolsAt(all, 500, { mitogenUpTo: 1000, ansibleUpTo: 200 })).toEqual(['tsplay']);
  });
});

describe('scale flags', () => {
  test("defaults: the no-op job alone, no profile, the full run's files", () => {
    expect(parseScaleFlags({})).toEqual({ ansibleUpTo: undefined, jobs: ['noop'], profileAt: undefined, out: undefined });
  });

  test('a scale run', () => {
    expect(
      parseScaleFlags({ 'ansible-up-to': '200', 'scaling-jobs': 'noop,files', 'profile-at': '1000', 'scale-out': 'scale-1000' }),
    ).toEqual({ ansibleUpTo: 200, jobs: ['noop', 'files'], profileAt: 1000, out: 'scale-1000' });
  });

  test("refused: a bad count, an unknown job, no noop, a path or the full run's name as the output", () => {
    expect(parseScaleFlags({ 'ansible-up-to': '0' })).toMatch(/--ansible-up-to must be a positive integer/);
    expect(parseScaleFlags({ 'profile-at': 'x' })).toMatch(/--profile-at/);
    expect(parseScaleFlags({ 'scaling-jobs': 'noop,etcd' })).toMatch(/unknown job\(s\) etcd/);
    expect(parseScaleFlags({ 'scaling-jobs': 'files' })).toMatch(/must include noop/);
    expect(parseScaleFlags({ 'scale-out': '../x' })).toMatch(/file name stem/);
    expect(parseScaleFlags({ 'scale-out': 'latest' })).toMatch(/overwrite/);
  });
});

import { describe, expect, test } from 'vitest';
import { labHostMemory, parseMemAvailable, parseSmapsRollup, summarizeMemory } from './memory.js';

describe('parseSmapsRollup / parseMemAvailable', () => {
  test('Rss and Pss in kB from a recorded smaps_rollup', () => {
    const text =
      '55d0c0000000-7ffd00000000 ---p 00000000 00:00 0    [rollup]\nRss:               11376 kB\nPss:                3021 kB\nPss_Anon:           1200 kB\nShared_Clean:       8000 kB\n';
    expect(parseSmapsRollup(text)).toEqual({ rssKb: 11376, pssKb: 3021 });
    expect(parseSmapsRollup('')).toEqual({ rssKb: 0, pssKb: 0 });
  });

  test('MemAvailable from a recorded /proc/meminfo', () => {
    expect(parseMemAvailable('MemTotal:       24576000 kB\nMemFree:        23000000 kB\nMemAvailable:   23456789 kB\n')).toBe(23456789);
  });
});

describe('summarizeMemory', () => {
  test('median and sum over hosts', () => {
    const h = (index: number, pssKb: number) => ({ index, processes: 6, pssKb, rssKb: pssKb * 3 });
    expect(summarizeMemory([h(0, 9000), h(1, 7000), h(2, 8000), h(3, 10000)], 50_000)).toEqual({
      hosts: 4,
      medianPssKb: 8500,
      sumPssKb: 34000,
      medianRssKb: 25500,
      availableDropKb: 50_000,
    });
  });
});

describe('labHostMemory', () => {
  test('a host with no cgroup (not running) has no processes and no memory', () => {
    expect(labHostMemory([9999])).toEqual([{ index: 9999, processes: 0, pssKb: 0, rssKb: 0 }]);
  });
});

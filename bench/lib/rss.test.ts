import { describe, expect, test } from 'vitest';
import { parseStat, treeRssKb } from './rss.js';

describe('parseStat', () => {
  test('ppid and rss from a recorded /proc/PID/stat (a command name with spaces and parentheses)', () => {
    const text =
      '4242 (ansible-playbook (w)) S 4200 4242 4200 0 -1 4194560 9000 0 0 0 120 30 0 0 20 0 1 0 777 400000000 15360 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0';
    expect(parseStat(text)).toEqual({ ppid: 4200, rssPages: 15360 });
    expect(parseStat('garbage')).toBeUndefined();
  });
});

describe('treeRssKb', () => {
  test('sums the descendants of root (root excluded), not other processes', () => {
    const procs = new Map([
      [1, { ppid: 0, rssPages: 100 }],
      [10, { ppid: 1, rssPages: 1 }], // root (GNU time)
      [11, { ppid: 10, rssPages: 1000 }], // the tool
      [12, { ppid: 11, rssPages: 200 }], // a fork
      [13, { ppid: 12, rssPages: 50 }], // ssh of the fork
      [20, { ppid: 1, rssPages: 7777 }], // someone else
    ]);
    expect(treeRssKb(procs, 10)).toBe((1000 + 200 + 50) * 4);
    expect(treeRssKb(procs, 99)).toBe(0);
  });
});

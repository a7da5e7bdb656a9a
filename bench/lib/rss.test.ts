import { describe, expect, test } from 'vitest';
import { descendants, parseStat, walkTree } from './rss.js';

describe('parseStat', () => {
  test('ppid, rss and cpu from a recorded /proc/PID/stat (a command name with spaces and parentheses)', () => {
    const text =
      '4242 (ansible-playbook (w)) S 4200 4242 4200 0 -1 4194560 9000 0 0 0 120 30 0 0 20 0 1 0 777 400000000 15360 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0';
    expect(parseStat(text)).toEqual({ ppid: 4200, rssPages: 15360, cpuTicks: 150 });
    expect(parseStat('garbage')).toBeUndefined();
  });
});

describe('walkTree', () => {
  test('every descendant of root (root excluded), not other processes', () => {
    const kids = new Map([
      [1, [10, 20]],
      [10, [11]], // root (GNU time) -> the tool
      [11, [12, 14]], // forks
      [12, [13]], // ssh of a fork
      [20, [21]], // someone else
    ]);
    expect(walkTree(10, (p) => kids.get(p) ?? []).sort((a, b) => a - b)).toEqual([11, 12, 13, 14]);
    expect(walkTree(99, (p) => kids.get(p) ?? [])).toEqual([]);
  });
});

describe('descendants', () => {
  test('finds a child of this process through /proc', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('sleep', ['5']);
    try {
      expect(descendants(process.pid)).toContain(child.pid);
    } finally {
      child.kill();
    }
  });
});

import { describe, expect, test } from 'vitest';
import { cpuShare, parseProcStat } from './cpu.js';

describe('parseProcStat', () => {
  test('busy is everything but idle and iowait, in seconds at the tick rate', () => {
    const text = 'cpu  47809 0 34146 155282 861 0 1192 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n';
    expect(parseProcStat(text)).toEqual({ busyS: (47809 + 34146 + 1192) / 100, totalS: (47809 + 34146 + 155282 + 861 + 1192) / 100 });
  });
  test('a text without a cpu line, or a broken one, is an error', () => {
    expect(() => parseProcStat('intr 1 2\n')).toThrow('no cpu line');
    expect(() => parseProcStat('cpu  1 x 3 4 5\n')).toThrow('bad cpu line');
  });
});

describe('cpuShare', () => {
  test('a busy loop in this process shows as its own CPU and in the machine busy', async () => {
    // spin until this process has used 0.25 s of CPU (not of wall time: a loaded machine gives it less)
    const { value, cpu } = await cpuShare(async () => {
      const c0 = process.cpuUsage();
      let n = 0;
      for (;;) {
        n++;
        const c = process.cpuUsage(c0);
        if (c.user + c.system >= 250_000) return n;
      }
    });
    expect(value).toBeGreaterThan(0);
    expect(cpu.workstationCoreS).toBeGreaterThanOrEqual(0.25);
    // the machine's ticks include this process's (tick sampling: allow a few ticks either way)
    expect(cpu.machineBusyCoreS).toBeGreaterThanOrEqual(cpu.workstationCoreS - 0.05);
    expect(cpu.othersCoreS).toBeGreaterThanOrEqual(0);
  });
});

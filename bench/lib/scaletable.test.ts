import { describe, expect, test } from 'vitest';
import type { RunResult } from './measure.js';
import { scaleRow, tsplayRuns } from './scaletable.js';
import type { SectionResult } from './sections.js';

const run = (over: Partial<RunResult>): RunResult => ({ tool: 'tsplay', seconds: 1, code: 0, changed: 0, failed: 0, tail: '', ...over });

describe('scale table', () => {
  const section: SectionResult = {
    kind: 'scaling',
    hosts: 500,
    runs: [
      { ...run({ seconds: 40, code: 4, failed: 10 }), round: 0 },
      { ...run({ tool: 'ansible', seconds: 900 }), round: 0 },
    ],
    etcdStart: [],
    unavailable: {},
    notes: [],
    scale: [
      { ...run({ seconds: 890, changed: 3500 }), job: 'noop', phase: 'fresh', round: 0 },
      { ...run({ seconds: 700, changed: 3500 }), job: 'files', phase: 'fresh', round: 0 },
    ],
  };

  test('tsplay runs in order: the first no-op, the no-op rows, the files job; no other tool', () => {
    expect(tsplayRuns(section).map((r) => [r.job, r.phase, r.seconds])).toEqual([
      ['noop', 'fresh', 890],
      ['noop', 'rerun', 40],
      ['files', 'fresh', 700],
    ]);
  });

  test('a row: wall, exit, changed / failed, CPU, the daemon, the machine, phases', () => {
    const r = {
      ...run({
        seconds: 61.25,
        code: 4,
        changed: 0,
        failed: 10,
        cpuS: 12.5,
        maxRssKb: 142 * 1024,
        treeFds: 40,
        machine: { busyS: 120, busyFraction: 0.98 },
        daemon: { cpuS: 44.5, hwmKb: 199 * 1024, fds: 521 },
        phases: {
          runStart: 900,
          firstConnect: 1000,
          lastConnect: 84_000,
          connects: 500,
          connectMedianMs: 20,
          connectMaxMs: 83_613,
          firstTask: 2500,
          recap: 60_000,
          results: 5000,
        },
      }),
      job: 'noop' as const,
      phase: 'rerun' as const,
      round: 0,
    };
    expect(scaleRow(500, r)).toEqual([
      '500',
      'noop rerun',
      '61.3',
      '4',
      '0 / 10',
      '12.5',
      '44.5',
      '120.0 (98 %)',
      '142',
      '199',
      '40 / 521',
      '0.9',
      '1.0-84.0 (median 20 ms, max 83613)',
      '2.5',
      '60.0',
    ]);
  });
});

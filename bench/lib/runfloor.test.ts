import { describe, expect, it } from 'vitest';
import { summarize, table } from './report.js';
import { runFloor } from './runfloor.js';
import type { SectionResult } from './sections.js';

const run = { date: '2026-12-06T18:00:00.000Z', finished: '2026-12-06T19:00:00.000Z' };
const profile = (date: string, alone: unknown = [360, 315, 355]) => ({
  date,
  floors: { nodeStartMs: 107, handshakeMs: 94, execMs: 16, execBecomeMs: 30 },
  roundTrips: { probeScriptOnHostAloneMs: alone },
});

describe('runFloor', () => {
  it('adds node start, an exec with sudo and the median host-side probe of a profile of the same run', () => {
    expect(runFloor(profile('2026-12-06T18:40:00.000Z'), run)).toEqual({
      ms: 107 + 30 + 355,
      nodeStartMs: 107,
      execBecomeMs: 30,
      probeHostMs: 355,
      profileDate: '2026-12-06T18:40:00.000Z',
    });
  });
  it('gives no floor for a profile of another run, or one that lacks a part', () => {
    expect(runFloor(profile('2026-12-06T17:59:59.000Z'), run)).toBeUndefined();
    expect(runFloor(profile('2026-12-06T19:00:01.000Z'), run)).toBeUndefined();
    expect(runFloor(profile('2026-12-06T18:40:00.000Z', []), run)).toBeUndefined();
    expect(runFloor({ date: '2026-12-06T18:40:00.000Z' }, run)).toBeUndefined();
    expect(runFloor(undefined, run)).toBeUndefined();
  });
});

describe('the floor in the summary and its table', () => {
  const section = (kind: 'idempotent' | 'check', tsplay: number[]): SectionResult => ({
    kind,
    hosts: 3,
    runs: tsplay.map((seconds, round) => ({ tool: 'tsplay', round, seconds, code: 0, changed: 0, failed: 0, tail: '' })),
    etcdStart: [],
    unavailable: {},
    notes: [],
  });
  const floor = runFloor(profile('2026-12-06T18:40:00.000Z'), run);

  it('gives each run its multiple of the floor and says whether both are within 2.5x', () => {
    const sum = summarize([section('idempotent', [1.0, 0.9, 1.1]), section('check', [1.2, 1.3, 1.25])], ['tsplay'], floor);
    expect(sum.floor?.of.idempotent).toBeCloseTo(1000 / 492, 6);
    expect(sum.floor?.of.check).toBeCloseTo(1250 / 492, 6);
    expect(sum.floor?.met).toBe(false);
    expect(table(sum, ['tsplay'])).toContain('idempotent re-run 2.03x, --check --diff 2.54x (target <= 2.5x the floor: NOT met)');
  });
  it('is met only when both runs were measured within the factor', () => {
    expect(summarize([section('idempotent', [1.0]), section('check', [1.0])], ['tsplay'], floor).floor?.met).toBe(true);
    expect(summarize([section('idempotent', [1.0])], ['tsplay'], floor).floor?.met).toBe(false);
    expect(summarize([section('idempotent', [1.0])], ['tsplay']).floor).toBeUndefined();
  });
});

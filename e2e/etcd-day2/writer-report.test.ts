import { describe, expect, test } from 'vitest';
import { summarizeWrites, type WriteAttempt } from '../helpers/writer-report.js';

const a = (seq: number, startMs: number, ok: boolean, endMs = startMs + 5): WriteAttempt => ({ seq, startMs, endMs, ok, endpoint: 'e' });

describe('summarizeWrites', () => {
  test('the longest failure run runs from its first write to the next success', () => {
    const r = summarizeWrites([
      a(0, 0, true),
      a(1, 100, false),
      a(2, 200, true),
      a(3, 300, false, 1300),
      a(4, 1300, false),
      a(5, 1400, true),
    ]);
    expect(r).toMatchObject({ writes: 6, failed: 3, longestFailureRunS: 1.1, longestFailureRunWrites: 2, okSeqs: [0, 2, 5] });
  });

  test('a run at the end lasts until its last write ended; none failed is 0', () => {
    expect(summarizeWrites([a(0, 0, true), a(1, 100, false, 900)]).longestFailureRunS).toBe(0.8);
    expect(summarizeWrites([a(0, 0, true), a(1, 100, true)]).longestFailureRunS).toBe(0);
  });
});

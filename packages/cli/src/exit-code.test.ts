import { describe, expect, it } from 'vitest';
import { exitCodeFor, summaryExitCode } from './exit-code.js';
import { execOutcome } from './commands/exec.js';

describe('exit codes (the CLI owns them)', () => {
  it('maps each outcome; 3 only for predicted changes in check mode with --detailed-exitcode', () => {
    expect(['ok', 'changed', 'failed', 'unreachable', 'interrupted'].map((o) => exitCodeFor(o as never))).toEqual([0, 0, 2, 4, 130]);
    expect(exitCodeFor('changed', { check: true, detailedExitcode: true })).toBe(3);
    expect(exitCodeFor('changed', { check: false, detailedExitcode: true })).toBe(0);
    expect(exitCodeFor('changed', { check: true })).toBe(0);
    expect(exitCodeFor('ok', { check: true, detailedExitcode: true })).toBe(0);
  });
  it('an older engine that still gives exitCode is believed', () => {
    expect(summaryExitCode({ exitCode: 4 }, {})).toBe(4);
    expect(summaryExitCode({ outcome: 'failed', exitCode: 0 }, {})).toBe(2);
  });
  it('exec: an unreachable host outweighs a failed command (4), a non-zero exit is 2, all zero is 0', () => {
    expect(exitCodeFor(execOutcome([{ code: 0 }, { code: 'unreachable' }, { code: 1 }]))).toBe(4);
    expect(exitCodeFor(execOutcome([{ code: 0 }, { code: 'error' }]))).toBe(2);
    expect(exitCodeFor(execOutcome([{ code: 0 }, { code: 3 }]))).toBe(2);
    expect(exitCodeFor(execOutcome([{ code: 0 }, { code: 0 }]))).toBe(0);
  });
});

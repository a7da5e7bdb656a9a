import { describe, expect, it } from 'vitest';
import { afterMark, chunkPolls, CHUNK_MS, judge, parseWaitState, pollScript, startAndPollScript, type WaitState } from './wait.js';

const policy = { timeoutMs: 90_000, notifyGraceMs: 5_000 };
const st = (s: Partial<WaitState>): WaitState => ({ active: 'activating', sub: 'start', result: 'success', type: 'notify', jobs: 1, ...s });

describe('waiting for a started unit', () => {
  it('parses the state the poll script prints', () => {
    const out = 'ActiveState=activating\nSubState=start\nResult=success\nType=notify\nJobs=1\n';
    expect(parseWaitState(out)).toEqual({ active: 'activating', sub: 'start', result: 'success', type: 'notify', jobs: 1 });
  });

  it.each([
    ['active', st({ active: 'active', sub: 'running', jobs: 0 }), 10, 'done'],
    ['failed', st({ active: 'failed', sub: 'failed', result: 'exit-code', jobs: 0 }), 10, 'failed'],
    // recorded on systemd 252: after a crash the start job is over (no job) while the unit waits in auto-restart
    ['crashed, restart scheduled (Restart=on-failure)', st({ sub: 'auto-restart', result: 'exit-code', jobs: 0 }), 10, 'failed'],
    // ...and a start queued during auto-restart stays pending until the restart timer fires
    ['start queued while crash-looping', st({ sub: 'auto-restart', result: 'exit-code', jobs: 1 }), 10, 'wait'],
    ['oneshot that ran', st({ active: 'inactive', sub: 'dead', type: 'oneshot', jobs: 0 }), 10, 'done'],
    ['stopped with an error', st({ active: 'inactive', sub: 'dead', result: 'exit-code', jobs: 0 }), 10, 'failed'],
    ['job still queued', st({ active: 'inactive', sub: 'dead', jobs: 1 }), 10, 'wait'],
    ['restart queued: still the old active process', st({ active: 'active', sub: 'running', jobs: 1 }), 10, 'wait'],
    ['start queued on a unit that failed before', st({ active: 'failed', sub: 'failed', result: 'exit-code', jobs: 1 }), 10, 'wait'],
    ['notify, waiting for peers, within grace', st({}), 4_999, 'wait'],
    ['notify, waiting for peers, after grace', st({}), 5_000, 'ready-pending'],
    ['simple unit still activating at the timeout', st({ type: 'simple', sub: 'start-pre' }), 90_000, 'timeout'],
  ])('%s', (_name, s, elapsed, kind) => {
    expect(judge(s, elapsed, policy).kind).toBe(kind);
  });

  it('with notifyGraceMs 0 a notify unit is waited for until the timeout', () => {
    expect(judge(st({}), 60_000, { timeoutMs: 90_000, notifyGraceMs: 0 }).kind).toBe('wait');
    expect(judge(st({}), 90_000, { timeoutMs: 90_000, notifyGraceMs: 0 }).kind).toBe('timeout');
  });

  it('the poll script quotes the unit and bounds its loop', () => {
    const s = pollScript('my unit.service', 7, 200);
    expect(s).toContain("-p Type 'my unit.service'");
    expect(s).toContain('-ge 7 ]');
    expect(s).toContain('sleep 0.200');
  });

  it.each([
    // [elapsed, timeout, grace, interval] -> polls, budget
    [0, 90_000, 5_000, 100, 20, CHUNK_MS],
    [4_500, 90_000, 5_000, 100, 5, 500],
    [6_000, 90_000, 5_000, 100, 20, CHUNK_MS],
    [89_900, 90_000, 0, 100, 1, 100],
    [95_000, 90_000, 0, 100, 1, 0],
    [0, 90_000, 150, 50, 3, 150],
  ])(
    'the chunk %i ms into the wait (timeout %i, grace %i, every %i ms): %i polls',
    (elapsed, timeoutMs, notifyGraceMs, intervalMs, polls, budgetMs) => {
      expect(chunkPolls({ timeoutMs, notifyGraceMs, intervalMs }, elapsed)).toEqual({ polls, budgetMs });
    },
  );

  it('the actions and the first poll in one script: the mark only once every action ran', () => {
    const s = startAndPollScript('systemctl start --no-block u && systemctl daemon-reload', 'POLL', '__tsplay_wait_ab');
    expect(s.split('\n')).toEqual([
      'systemctl start --no-block u && systemctl daemon-reload || exit $?',
      "printf '%s\\n' __tsplay_wait_ab",
      'POLL',
    ]);
    expect(afterMark('Created symlink x\n__tsplay_wait_ab\nActiveState=active\n', '__tsplay_wait_ab')).toBe('ActiveState=active\n');
    expect(afterMark('Created symlink x\n', '__tsplay_wait_ab')).toBeUndefined();
  });
});

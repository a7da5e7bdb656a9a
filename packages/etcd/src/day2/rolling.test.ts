import { describe, expect, it } from 'vitest';
import { etcdPlays } from './rolling-play.js';
import { agreedLeader, caughtUp, transferee } from './rolling-steps.js';
import type { EndpointStatus } from './status.js';

const st = (endpoint: string, memberId: string, leader: string, raftIndex: number, raftAppliedIndex = raftIndex): EndpointStatus => ({
  endpoint,
  memberId,
  leader,
  version: '3.4.23',
  raftIndex,
  raftAppliedIndex,
  raftTerm: 2,
  dbSize: 1,
  isLearner: false,
  errors: [],
});
const A = 'https://10.240.0.10:2379';
const B = 'https://10.240.0.11:2379';

describe('rolling restart', () => {
  it('agreedLeader: one leader that every answer names', () => {
    expect(agreedLeader([st(A, 'a', 'a', 5), st(B, 'b', 'a', 5)])).toBe('a');
    expect(agreedLeader([st(A, 'a', 'a', 5), st(B, 'b', 'b', 5)])).toBeUndefined();
    expect(agreedLeader([st(A, 'a', '', 5)])).toBeUndefined();
    expect(agreedLeader([])).toBeUndefined();
  });

  it("caughtUp: the member's applied index reached the leader's raft index", () => {
    expect(caughtUp([st(A, 'a', 'a', 10), st(B, 'b', 'a', 10, 10)], B)).toBe(true);
    expect(caughtUp([st(A, 'a', 'a', 10), st(B, 'b', 'a', 9, 8)], B)).toBe('applied 8 of 10');
    expect(caughtUp([st(A, 'a', 'a', 10)], B)).toMatch(/no status from/);
    expect(caughtUp([st(B, 'b', 'c', 10)], B)).toMatch(/the leader/);
  });

  it('transferee: the voter furthest ahead, never this member or a learner', () => {
    const C = 'https://10.240.0.12:2379';
    expect(transferee([st(A, 'a', 'a', 10), st(B, 'b', 'a', 10, 8), st(C, 'c', 'a', 10, 9)], 'a')?.memberId).toBe('c');
    expect(transferee([st(A, 'a', 'a', 10), st(B, 'b', 'a', 10, 10), { ...st(C, 'c', 'a', 11, 11), isLearner: true }], 'a')?.memberId).toBe(
      'b',
    );
    expect(transferee([st(A, 'a', 'a', 10)], 'a')).toBeUndefined();
  });

  it('etcdPlays: converge (all hosts at once), then followers and the leader one at a time, stopping at any failure', () => {
    const [converge, followers, leader, ...rest] = etcdPlays();
    expect(rest).toEqual([]);
    expect(converge).toMatchObject({ name: 'etcd', hosts: 'controllers', become: true });
    expect(converge?.serial).toBeUndefined();
    expect(converge?.tasks.map((t) => t.name).at(-1)).toBe('etcd restart needed');
    for (const p of [followers, leader]) expect(p).toMatchObject({ serial: 1, maxFailPercentage: 0, become: true, hosts: 'controllers' });
    expect(followers?.tasks.map((t) => t.name)).toEqual(['etcd rolling restart (followers)']);
    expect(leader?.tasks.map((t) => t.name)).toEqual(['etcd rolling restart (leader last)']);
  });
});

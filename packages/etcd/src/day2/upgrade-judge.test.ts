import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEndpointHealth, parseMemberListJson } from '../members.js';
import type { ClusterView } from './checks.js';
import type { ProbeResult } from './probe.js';
import { parseAlarms, parseEndpointStatus, type EndpointStatus } from './status.js';
import {
  ipOfUrl,
  isLeaderAt,
  judgeMemberUp,
  judgeUpgradeRun,
  leaderSuccessor,
  parseEtcdUnitState,
  parseEtcdVersionOutput,
  type MemberProbe,
} from './upgrade-judge.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const three = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));

/** The real 3-member 3.4.23 cluster of the lab (controller-0, 10.240.0.10, leads). */
function view(): ClusterView {
  return {
    members: parseMemberListJson(fx('member-list-3.4.json')).members,
    health: parseEndpointHealth(fx('endpoint-health-3.4.json')),
    status: parseEndpointStatus(fx('endpoint-status-3.4.json')),
    alarms: parseAlarms(fx('alarm-list-none.json')),
  };
}
const probe = (v: ClusterView = view()): ProbeResult => ({ absent: false, view: v, problems: [] });
const withVersion = (v: ClusterView, ip: string, version: string): ClusterView => ({
  ...v,
  status: v.status.map((s) => (s.endpoint.includes(`//${ip}:`) ? { ...s, version } : s)),
});

describe('judgeUpgradeRun', () => {
  test('3.4.23 -> 3.5.16: followers in member order, the leader (10.240.0.10) last', () => {
    expect(judgeUpgradeRun(probe(), three, '3.5.16')).toEqual({
      from: '3.4.23',
      to: '3.5.16',
      leaderIp: '10.240.0.10',
      todo: ['10.240.0.11', '10.240.0.12', '10.240.0.10'],
      done: [],
    });
  });

  test('a resumed upgrade skips the members already on the target; all done leaves nothing', () => {
    const half = withVersion(view(), '10.240.0.11', '3.5.16');
    expect(judgeUpgradeRun(probe(half), three, '3.5.16')).toMatchObject({ todo: ['10.240.0.12', '10.240.0.10'], done: ['10.240.0.11'] });
    let all = view();
    for (const t of three) all = withVersion(all, t.ip, '3.5.16');
    expect(judgeUpgradeRun(probe(all), three, '3.5.16')).toMatchObject({ todo: [], done: ['10.240.0.10', '10.240.0.11', '10.240.0.12'] });
  });

  test('a downgrade and a skipped minor are refused with their codes, before health is looked at', () => {
    expect(judgeUpgradeRun(probe(), three, '3.4.22')).toMatchObject({ code: 'ETCD_DOWNGRADE' });
    expect(judgeUpgradeRun(probe(), three, '3.6.0')).toMatchObject({ code: 'ETCD_SKIP_MINOR', hint: expect.stringContaining('3.5.x') });
    // a member already on 3.5.16: going back to 3.4.23 is a downgrade too
    expect(judgeUpgradeRun(probe(withVersion(view(), '10.240.0.12', '3.5.16')), three, '3.4.23')).toMatchObject({ code: 'ETCD_DOWNGRADE' });
    const sick = { ...view(), health: parseEndpointHealth(fx('endpoint-health-one-down.txt')) };
    expect(judgeUpgradeRun(probe(sick), three, '3.6.0')).toMatchObject({ code: 'ETCD_SKIP_MINOR' });
    expect(judgeUpgradeRun(probe(sick), three, '3.5.16')).toMatchObject({ code: 'ETCD_UNHEALTHY' });
  });

  test('alarms, a pending learner and a member without status are refused', () => {
    expect(
      judgeUpgradeRun(probe({ ...view(), alarms: [{ memberId: 'f98dc20bce6225a0', alarm: 'NOSPACE' }] }), three, '3.5.16'),
    ).toMatchObject({ code: 'ETCD_ALARM' });
    const v = view();
    const learner = { ...v, members: v.members.map((m, i) => (i === 2 ? { ...m, isLearner: true } : m)) };
    expect(judgeUpgradeRun(probe(learner), three, '3.5.16')).toMatchObject({ code: 'ETCD_LEARNER_PENDING' });
    expect(judgeUpgradeRun(probe({ ...v, status: v.status.slice(0, 2) }), three, '3.5.16')).toMatchObject({
      code: 'ETCD_UNHEALTHY',
      message: expect.stringContaining('no status from'),
    });
  });

  test('a host that is no member, an inventory that is not the cluster, a silent cluster', () => {
    expect(judgeUpgradeRun({ absent: true }, three, '3.5.16')).toMatchObject({ code: 'ETCD_UNKNOWN_MEMBER' });
    expect(judgeUpgradeRun(probe(), [...three, { name: 'controller-3', ip: '10.240.0.13' }], '3.5.16')).toMatchObject({
      code: 'ETCD_UNKNOWN_MEMBER',
      message: expect.stringContaining('controller-3 is no member'),
    });
    expect(judgeUpgradeRun(probe(), three.slice(0, 2), '3.5.16')).toMatchObject({
      code: 'ETCD_UNKNOWN_MEMBER',
      message: expect.stringContaining('controller-2 is not in the inventory'),
    });
    expect(
      judgeUpgradeRun(
        { absent: false, view: { ...view(), members: [] }, problems: ['members: context deadline exceeded'] },
        three,
        '3.5.16',
      ),
    ).toMatchObject({ code: 'ETCD_UNHEALTHY', message: expect.stringContaining('deadline') });
  });
});

const up = (over: Partial<MemberProbe> = {}): MemberProbe => ({
  unit: { active: 'active', sub: 'running', restarts: 0, exitStatus: 0 },
  server: '3.5.16',
  healthy: true,
  status: withVersion(view(), '10.240.0.11', '3.5.16').status,
  ...over,
});

describe('judgeMemberUp', () => {
  test("back: on the target, healthy, applied index at the leader's raft index", () => {
    expect(judgeMemberUp(up(), '10.240.0.11', '3.5.16', 0)).toEqual({ up: true });
  });

  test('not yet: an old process still answering, not healthy, behind the leader, no status', () => {
    expect(judgeMemberUp(up({ server: '3.4.23' }), '10.240.0.11', '3.5.16', 0)).toMatchObject({
      up: false,
      crashed: false,
      why: expect.stringContaining('3.4.23'),
    });
    expect(judgeMemberUp(up({ server: '' }), '10.240.0.11', '3.5.16', 0)).toMatchObject({
      up: false,
      crashed: false,
      why: expect.stringContaining('nothing yet'),
    });
    expect(judgeMemberUp(up({ healthy: false }), '10.240.0.11', '3.5.16', 0)).toMatchObject({ up: false, crashed: false });
    const behind = up().status.map((s): EndpointStatus => (s.endpoint.includes('.11:') ? { ...s, raftAppliedIndex: 5 } : s));
    expect(judgeMemberUp(up({ status: behind }), '10.240.0.11', '3.5.16', 0)).toMatchObject({
      up: false,
      crashed: false,
      why: "raft index 5 of the leader's 8",
    });
    expect(judgeMemberUp(up({ status: [] }), '10.240.0.11', '3.5.16', 0)).toMatchObject({
      up: false,
      crashed: false,
      why: 'no status from this member yet',
    });
    // back on the release and caught up, but it sees no leader yet (leaderOf): not back
    const blind = up().status.map((s): EndpointStatus => (s.endpoint.includes('.11:') ? { ...s, leader: '' } : s));
    expect(judgeMemberUp(up({ status: blind }), '10.240.0.11', '3.5.16', 0)).toMatchObject({
      up: false,
      crashed: false,
      why: expect.stringContaining('no leader yet: the members do not agree'),
    });
    expect(judgeMemberUp(up({ status: up().status.slice(1) }), '10.240.0.11', '3.5.16', 0)).toMatchObject({
      up: false,
      why: 'no leader yet: the leader did not answer endpoint status',
    });
  });

  test('crashed: the unit failed, waits to restart, or restarted by itself', () => {
    const unit = (u: Partial<MemberProbe['unit']>) =>
      up({ server: '', unit: { active: 'activating', sub: 'start', restarts: 0, exitStatus: 0, ...u } });
    expect(judgeMemberUp(unit({ sub: 'auto-restart', exitStatus: 1 }), '10.240.0.11', '3.5.16', 0)).toMatchObject({
      up: false,
      crashed: true,
      why: expect.stringContaining('status 1'),
    });
    expect(judgeMemberUp(unit({ active: 'failed' }), '10.240.0.11', '3.5.16', 0)).toMatchObject({ crashed: true });
    expect(judgeMemberUp(unit({ restarts: 3 }), '10.240.0.11', '3.5.16', 2)).toMatchObject({ crashed: true });
    expect(judgeMemberUp(unit({ restarts: 2 }), '10.240.0.11', '3.5.16', 2)).toMatchObject({ crashed: false });
  });
});

describe('leadership', () => {
  const status = parseEndpointStatus(fx('endpoint-status-3.4.json'));
  test('the leader is the member every status names', () => {
    expect(isLeaderAt(status, '10.240.0.10')).toBe(true);
    expect(isLeaderAt(status, '10.240.0.11')).toBe(false);
    expect(
      isLeaderAt(
        status.map((s, i) => (i === 2 ? { ...s, leader: '' } : s)),
        '10.240.0.10',
      ),
    ).toBe(false);
    // the leader must answer for itself: without its own status nobody is the leader here
    expect(isLeaderAt(status.slice(1), '10.240.0.10')).toBe(false);
    expect(isLeaderAt(status, '10.240.0.99')).toBe(false);
  });

  test('the successor is a member already on the target when there is one, else another voter', () => {
    const mixed = withVersion(view(), '10.240.0.12', '3.5.16').status;
    expect(ipOfUrl(leaderSuccessor(mixed, '10.240.0.10', '3.5.16')?.endpoint ?? '')).toBe('10.240.0.12');
    expect(ipOfUrl(leaderSuccessor(status, '10.240.0.10', '3.5.16')?.endpoint ?? '')).not.toBe('10.240.0.10');
    expect(leaderSuccessor(status.slice(0, 1), '10.240.0.10', '3.5.16')).toBeUndefined();
  });
});

describe('small parsers', () => {
  test('etcd --version of 3.4 and 3.5; nothing from a binary that does not run', () => {
    expect(
      parseEtcdVersionOutput('etcd Version: 3.4.23\nGit SHA: Not provided (use ./build instead of go build)\nGo Version: go1.19.8\n'),
    ).toBe('3.4.23');
    expect(parseEtcdVersionOutput('etcd Version: 3.5.16\nGit SHA: GitNotFound\n')).toBe('3.5.16');
    expect(parseEtcdVersionOutput('')).toBe('');
  });

  test('systemctl show lines in any order', () => {
    expect(parseEtcdUnitState('SubState=auto-restart\nNRestarts=2\nActiveState=activating\nExecMainStatus=1\n')).toEqual({
      active: 'activating',
      sub: 'auto-restart',
      restarts: 2,
      exitStatus: 1,
    });
    expect(ipOfUrl('https://10.240.0.12:2379')).toBe('10.240.0.12');
  });
});

describe('judgeUpgradeRun order', () => {
  test('followers in inventory order whatever order etcdctl lists them in, the leader last', () => {
    const v = view();
    const shuffled = { ...v, status: [...v.status].reverse() };
    const inv = [three[2], three[0], three[1]].flatMap((m) => (m ? [m] : []));
    expect(judgeUpgradeRun(probe(shuffled), inv, '3.5.16')).toMatchObject({
      leaderIp: '10.240.0.10',
      todo: ['10.240.0.12', '10.240.0.11', '10.240.0.10'],
    });
  });
});

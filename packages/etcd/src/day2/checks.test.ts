import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEndpointHealth, parseMemberListJson, type MemberStatus } from '../members.js';
import { judgeHealthy, judgeJoin, judgeRemove, judgeUpgrade, isRefusal, type ClusterView } from './checks.js';
import { parseAlarms, parseEndpointStatus } from './status.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const three = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
const five = [0, 1, 2, 3, 4].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));

/** The real 3-member 3.4.23 cluster of the lab. */
function real(): ClusterView {
  return {
    members: parseMemberListJson(fx('member-list-3.4.json')).members,
    health: parseEndpointHealth(fx('endpoint-health-3.4.json')),
    status: parseEndpointStatus(fx('endpoint-status-3.4.json')),
    alarms: parseAlarms(fx('alarm-list-none.json')),
  };
}

const learner = (i: number): MemberStatus => ({
  id: `aa${i}`,
  name: '',
  status: 'unstarted',
  peerUrls: [`https://10.240.0.1${i}:2380`],
  clientUrls: [],
  isLearner: true,
});

describe('judgeHealthy', () => {
  test('the real healthy cluster passes; one endpoint down is ETCD_UNHEALTHY', () => {
    expect(judgeHealthy(real())).toBeUndefined();
    const down = { ...real(), health: parseEndpointHealth(fx('endpoint-health-one-down.txt')) };
    expect(judgeHealthy(down)).toMatchObject({
      code: 'ETCD_UNHEALTHY',
      message: expect.stringContaining('https://10.240.0.19:2379 (context deadline exceeded)'),
    });
  });

  test('an alarm and a pending learner are refusals', () => {
    expect(judgeHealthy({ ...real(), alarms: [{ memberId: 'f98dc20bce6225a0', alarm: 'NOSPACE' }] })?.code).toBe('ETCD_ALARM');
    expect(judgeHealthy({ ...real(), members: [...real().members, learner(3)] })?.code).toBe('ETCD_LEARNER_PENDING');
  });
});

describe('judgeJoin', () => {
  test('3 -> 5 adds controller-3 and controller-4 in order; an even target is refused', () => {
    expect(judgeJoin(real(), five)).toEqual({ add: five.slice(3) });
    expect(judgeJoin(real(), five.slice(0, 4))).toMatchObject({ code: 'ETCD_EVEN_CLUSTER' });
    expect(judgeJoin(real(), three)).toEqual({ add: [] });
  });

  test('a half-done join of a target host is resumed, a foreign learner refused, a foreign member refused', () => {
    const half = { ...real(), members: [...real().members, learner(3)] };
    expect(judgeJoin(half, five)).toEqual({ add: five.slice(4), resume: five[3] });
    const foreign = { ...real(), members: [...real().members, learner(9)] };
    expect(judgeJoin(foreign, five)).toMatchObject({ code: 'ETCD_UNKNOWN_MEMBER' });
  });
});

describe('judgeRemove', () => {
  test('nothing to remove from the real cluster for its own members', () => {
    expect(judgeRemove(real(), three)).toEqual({ remove: [] });
  });

  test('3 -> 1 is allowed (odd, healthy); 3 -> 2 is even; a 2-member cluster refuses', () => {
    const r = judgeRemove(real(), three.slice(0, 1));
    expect(isRefusal(r) ? r.code : r.remove.map((m) => m.name)).toEqual(['controller-2', 'controller-1']);
    expect(judgeRemove(real(), three.slice(0, 2))).toMatchObject({ code: 'ETCD_EVEN_CLUSTER' });
    const two = { ...real(), members: real().members.filter((m) => m.name !== 'controller-2') };
    expect(judgeRemove(two, three.slice(0, 1))).toMatchObject({ code: 'ETCD_QUORUM' });
  });

  test('too few healthy members among those that stay is ETCD_QUORUM', () => {
    const v = real();
    const sick = { ...v, health: v.health.map((h) => (h.endpoint.includes('10.240.0.11') ? { ...h, health: false } : h)) };
    expect(judgeRemove(sick, three.slice(0, 1).concat(three.slice(1, 2)).slice(0, 1))).toMatchObject({ code: 'ETCD_UNHEALTHY' });
  });
});

describe('judgeUpgrade', () => {
  test('3.4.23 -> 3.5.16: followers first, the leader last', () => {
    const r = judgeUpgrade(real(), '3.5.16');
    if (isRefusal(r)) throw new Error(r.message);
    expect(r.order).toEqual(['ffed16798470cab5', '3a57933972cb5131', 'f98dc20bce6225a0']);
    expect(r.done).toEqual([]);
  });

  test('a downgrade, a skipped minor, a major jump and junk are refused', () => {
    expect(judgeUpgrade(real(), '3.4.22')).toMatchObject({ code: 'ETCD_DOWNGRADE' });
    expect(judgeUpgrade(real(), '3.6.0')).toMatchObject({ code: 'ETCD_SKIP_MINOR' });
    expect(judgeUpgrade(real(), '4.0.0')).toMatchObject({ code: 'ETCD_SKIP_MINOR' });
    expect(judgeUpgrade(real(), 'latest')).toMatchObject({ code: 'ETCD_SKIP_MINOR' });
  });

  test('a resumed upgrade skips the members already on the target; an unhealthy cluster is refused', () => {
    const v = real();
    const mixed = { ...v, status: v.status.map((s, i) => (i === 1 ? { ...s, version: '3.5.16' } : s)) };
    const r = judgeUpgrade(mixed, '3.5.16');
    if (isRefusal(r)) throw new Error(r.message);
    expect(r.done).toEqual(['ffed16798470cab5']);
    expect(r.order).toEqual(['3a57933972cb5131', 'f98dc20bce6225a0']);
    expect(judgeUpgrade(mixed, '3.4.23')).toMatchObject({ code: 'ETCD_DOWNGRADE' });
    expect(judgeUpgrade({ ...v, health: [] }, '3.5.16')).toMatchObject({ code: 'ETCD_UNHEALTHY' });
  });
});

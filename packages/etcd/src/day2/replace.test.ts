import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEndpointHealth, parseMemberListJson, type MemberStatus } from '../members.js';
import type { ClusterView } from './checks.js';
import { clusterProbeScript } from './probe.js';
import { learnerFormScript } from './join-unit.js';
import { judgeReplace, type ReplaceLocal } from './replace-judge.js';
import { parseReplaceState, replaceStateScript, replaceVerdict } from './replace.js';
import { parseAlarms, parseEndpointStatus } from './status.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const three = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
const [c0, c1, c2] = three as [(typeof three)[0], (typeof three)[0], (typeof three)[0]];
const dead: ReplaceLocal = { hasData: false, active: false };

/** The real 3-member 3.4.23 cluster of the lab (controller-0 leads), with the endpoints in `down` silent. */
function view(down: readonly string[] = []): ClusterView {
  const up = (e: string) => !down.some((ip) => e.includes(`//${ip}:`));
  const health = parseEndpointHealth(fx('endpoint-health-3.4.json')).map((h) =>
    up(h.endpoint) ? h : { ...h, health: false, error: 'context deadline exceeded' },
  );
  return {
    members: parseMemberListJson(fx('member-list-3.4.json')).members,
    health,
    status: parseEndpointStatus(fx('endpoint-status-3.4.json')).filter((s) => up(s.endpoint)),
    alarms: parseAlarms(fx('alarm-list-none.json')),
  };
}
const idOf = (v: ClusterView, name: string) => v.members.find((m) => m.name === name)?.id ?? '';

describe('judgeReplace', () => {
  test('a dead follower without data: remove its old ID, then learner, catch up, promote', () => {
    const v = view([c2.ip]);
    expect(judgeReplace(v, c2, three, dead, false)).toMatchObject({
      removeId: idOf(v, 'controller-2'),
      moveLeader: false,
      resume: false,
      archive: false,
    });
    // etcd still running (crash loop on an empty dir) and a leftover data dir: stopped and archived first, with force
    const p = judgeReplace(v, c2, three, { hasData: true, active: true }, true);
    expect(p).toMatchObject({ archive: true, steps: expect.arrayContaining(['stop etcd', 'archive the data dir']) });
  });

  test('a started voter that still has its data is refused unless forced; the forced leader moves leadership first', () => {
    const v = view();
    expect(judgeReplace(v, c2, three, { hasData: true, active: true }, false)).toMatchObject({
      code: 'ETCD_REPLACE_REFUSED',
      message: expect.stringContaining('healthy voting member'),
    });
    expect(judgeReplace(view([c2.ip]), c2, three, { hasData: true, active: false }, false)).toMatchObject({
      code: 'ETCD_REPLACE_REFUSED',
      hint: expect.stringContaining('start it'),
    });
    expect(judgeReplace(v, c0, three, { hasData: true, active: true }, true)).toMatchObject({
      moveLeader: true,
      removeId: idOf(v, 'controller-0'),
      archive: true,
    });
  });

  test('quorum, a second dead member, an alarm, a foreign learner and the only member are refusals', () => {
    expect(judgeReplace(view([c1.ip, c2.ip]), c2, three, dead, false)).toMatchObject({ code: 'ETCD_QUORUM' });
    const five = [...three, { name: 'controller-3', ip: '10.240.0.13' }, { name: 'controller-4', ip: '10.240.0.14' }];
    const m = (i: number): MemberStatus => ({
      id: `bb${i}`,
      name: `controller-${i}`,
      status: 'started',
      peerUrls: [`https://10.240.0.1${i}:2380`],
      clientUrls: [`https://10.240.0.1${i}:2379`],
      isLearner: false,
    });
    const v5 = {
      ...view([c1.ip, c2.ip]),
      members: [...view().members, m(3), m(4)],
      health: [
        ...view([c1.ip, c2.ip]).health,
        ...[3, 4].map((i) => ({ endpoint: `https://10.240.0.1${i}:2379`, health: true, took: '1ms' })),
      ],
    };
    expect(judgeReplace(v5, c2, five, dead, false)).toMatchObject({
      code: 'ETCD_UNHEALTHY',
      message: expect.stringContaining('more than one member is down'),
    });
    expect(judgeReplace({ ...view([c2.ip]), alarms: [{ memberId: 'x', alarm: 'NOSPACE' }] }, c2, three, dead, false)).toMatchObject({
      code: 'ETCD_ALARM',
    });
    const learner: MemberStatus = {
      id: 'cc',
      name: '',
      status: 'unstarted',
      peerUrls: ['https://10.240.0.13:2380'],
      clientUrls: [],
      isLearner: true,
    };
    expect(
      judgeReplace(
        { ...view([c2.ip]), members: [...view().members, learner] },
        c2,
        [...three, { name: 'controller-3', ip: '10.240.0.13' }],
        dead,
        false,
      ),
    ).toMatchObject({ code: 'ETCD_LEARNER_PENDING' });
    const only = { ...view([c0.ip]), members: view().members.filter((x) => x.name === 'controller-0') };
    expect(judgeReplace(only, c0, [c0], dead, false)).toMatchObject({ code: 'ETCD_QUORUM' });
    expect(judgeReplace(view([c2.ip]), c2, [c0, c1], dead, false)).toMatchObject({ code: 'ETCD_UNKNOWN_MEMBER' });
  });

  test('its own learner (a replacement cut short) is resumed; a member already removed is just added', () => {
    const v = view([c2.ip]);
    const asLearner = { ...v, members: v.members.map((m) => (m.name === 'controller-2' ? { ...m, id: 'dd', isLearner: true } : m)) };
    expect(judgeReplace(asLearner, c2, three, { hasData: true, active: true }, false)).toMatchObject({
      resume: true,
      removeId: '',
      archive: false,
    });
    // promoted, but still serving clients on 127.0.0.1 only (cut short before the restart): finished, not refused
    const finish = judgeReplace(view(), c2, three, { hasData: true, active: true, learnerForm: true }, false);
    expect(finish).toMatchObject({ resume: true, removeId: '', archive: false, steps: [expect.stringContaining('127.0.0.1 only')] });
    const removed = { ...v, members: v.members.filter((m) => m.name !== 'controller-2') };
    expect(judgeReplace(removed, c2, three, dead, false)).toMatchObject({ removeId: '', resume: false, archive: false });
  });
});

describe('the state script and its parser', () => {
  const args = {
    self: c2,
    target: three,
    token: 't',
    dataDir: '/var/lib/etcd',
    unitPath: '/etc/systemd/system/etcd.service',
    force: false,
    etcdctl: '/usr/local/bin/etcdctl',
    caFile: '/etc/etcd/ca.pem',
    certFile: '/etc/etcd/kubernetes.pem',
    keyFile: '/etc/etcd/kubernetes-key.pem',
    timeoutMs: 1000,
  };

  test('the probe asks the other members only; local lines are parsed apart from it', () => {
    const s = replaceStateScript(args);
    expect(s).toContain(clusterProbeScript({ ...args, endpoints: ['https://10.240.0.10:2379', 'https://10.240.0.11:2379'] }));
    expect(s).toContain('/var/lib/etcd/member');
    const out = [
      '@@active inactive',
      '@@data no',
      '@@members',
      fx('member-list-3.4.json'),
      '@@rc 0',
      '@@health',
      fx('endpoint-health-3.4.json'),
      '@@rc 0',
      '@@status',
      fx('endpoint-status-3.4.json'),
      '@@rc 0',
      '@@alarms',
      fx('alarm-list-none.json'),
      '@@rc 0',
    ].join('\n');
    const st = parseReplaceState(out);
    expect(st.local).toEqual({ active: false, hasData: false, learnerForm: false });
    expect(s).toContain(learnerFormScript(args.unitPath));
    const form = parseReplaceState(
      `@@active active\n@@data yes\n@@learner-unit no\n@@learner-run yes\n${out.split('\n').slice(2).join('\n')}`,
    );
    expect(form.local).toEqual({ active: true, hasData: true, learnerForm: true });
    expect(form.probe.absent ? 0 : form.probe.view.members.length).toBe(3);
    expect(st.probe.absent ? 0 : st.probe.view.members.length).toBe(3);
    expect(parseReplaceState('@@active inactive\n@@data no\nabsent').probe.absent).toBe(true);
    expect(replaceVerdict(parseReplaceState('@@active inactive\n@@data no\nabsent'), args)).toBeUndefined();
  });
});

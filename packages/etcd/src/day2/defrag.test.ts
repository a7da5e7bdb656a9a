import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defragPlaybook from '../../../../playbooks/etcd-defrag.js';
import recoverPlaybook from '../../../../playbooks/etcd-recover-space.js';
import { judgeHealthy } from './checks.js';
import { judgeDefrag, judgeMaintenance, nospaceOnly, parseDbUsage } from './defrag-judge.js';
import { defragMemberArgs, etcdDefragMember, etcdMaintenancePreflight, maintenancePreflightArgs } from './defrag.js';
import { EtcdDefragVars } from './defrag-vars.js';
import { parseClusterProbe, type ProbeResult } from './probe.js';
import { parseAlarms } from './status.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const MIB = 1048576;
const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const target = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
const policy = { threshold: 0.2, minBytes: 16 * MIB, force: false };

/** A probe of the recorded 3.4.23 cluster (controller-0 leads), with these alarms. */
function probe(alarms = fx('alarm-list-none.json'), status = fx('endpoint-status-3.4.json')): ProbeResult {
  const parts: [string, string][] = [
    ['members', fx('member-list-3.4.json')],
    ['health', fx('endpoint-health-3.4.json')],
    ['status', status],
    ['alarms', alarms],
  ];
  return parseClusterProbe(parts.map(([k, t]) => `@@${k}\n${t}\n@@rc 0\n`).join(''));
}
/** Recorded from etcdctl 3.4.23 after a put over a 16 MiB quota: the alarm type is a number (1 = NOSPACE). */
const NOSPACE = fx('alarm-list-nospace-3.4.json');
const CORRUPT = NOSPACE.replace('"alarm":1', '"alarm":2');

describe('defrag judges', () => {
  it('parseDbUsage reads dbSize and dbSizeInUse of every endpoint from a real 3.4.23 status', () => {
    expect(parseDbUsage(fx('endpoint-status-3.4.json'))).toEqual([
      { endpoint: 'https://10.240.0.10:2379', dbSize: 20480, dbSizeInUse: 16384 },
      { endpoint: 'https://10.240.0.11:2379', dbSize: 20480, dbSizeInUse: 20480 },
      { endpoint: 'https://10.240.0.12:2379', dbSize: 20480, dbSizeInUse: 16384 },
    ]);
    // the one-down output: the error lines around the JSON are skipped
    expect(parseDbUsage(fx('endpoint-status-one-down.txt'))).toHaveLength(3);
    expect(() => parseDbUsage('Error: context deadline exceeded')).toThrow(/not an endpoint status/);
  });

  it.each([
    [{ dbSize: 40 * MIB, dbSizeInUse: 2 * MIB }, policy, true, /38.0 MiB of 40.0 MiB reclaimable \(95 %\)/],
    [{ dbSize: 40 * MIB, dbSizeInUse: 36 * MIB }, policy, false, /below the threshold of 20 %/],
    [{ dbSize: 10 * MIB, dbSizeInUse: 1 * MIB }, policy, false, /less than the minimum of 16.0 MiB/],
    [{ dbSize: 10 * MIB, dbSizeInUse: 1 * MIB }, { ...policy, minBytes: 0 }, true, /9.0 MiB of 10.0 MiB/],
    [{ dbSize: 20480, dbSizeInUse: 20480 }, { ...policy, force: true }, true, /forced \(NOSPACE recovery\)/],
    [{ dbSize: 20480, dbSizeInUse: undefined }, policy, false, /size in use unknown/],
  ])('judgeDefrag %j %j -> %s', (u, p, need, reason) => {
    const n = judgeDefrag({ endpoint: 'https://10.240.0.10:2379', ...u }, p);
    expect(n.need).toBe(need);
    expect(n.reason).toMatch(reason);
  });

  it('judgeMaintenance: a healthy cluster gives the leader; defrag refuses any alarm, recover expects NOSPACE only', () => {
    expect(judgeMaintenance(probe(), target, 'defrag')).toEqual({ leaderIp: '10.240.0.10', nospace: false });
    expect(judgeMaintenance(probe(NOSPACE), target, 'recover')).toEqual({ leaderIp: '10.240.0.10', nospace: true });
    expect(judgeMaintenance(probe(NOSPACE), target, 'defrag')).toMatchObject({
      code: 'ETCD_ALARM',
      hint: expect.stringContaining('etcd-recover-space.ts'),
    });
    expect(judgeMaintenance(probe(CORRUPT), target, 'recover')).toMatchObject({
      code: 'ETCD_ALARM',
      hint: expect.not.stringContaining('recover-space'),
    });
    expect(judgeMaintenance(probe(), target.slice(0, 2), 'defrag')).toMatchObject({
      code: 'ETCD_UNKNOWN_MEMBER',
      message: expect.stringContaining('controller-2 is not in the inventory'),
    });
    expect(judgeMaintenance({ absent: true }, target, 'defrag')).toMatchObject({ code: 'ETCD_UNKNOWN_MEMBER' });
    const oneDown = judgeMaintenance(
      probe(undefined, fx('endpoint-status-one-down.txt').replace(/,\{"Endpoint":"https:\/\/10.240.0.12:2379"[^\]]*\}\}/, '')),
      target,
      'defrag',
    );
    expect(oneDown).toMatchObject({ code: 'ETCD_UNHEALTHY', message: expect.stringContaining('no status from controller-2') });
  });

  it('recover: a member etcdctl 3.5 calls unhealthy only for the NOSPACE alarm is fit to defragment; defrag still refuses', () => {
    // etcdctl 3.5 marks every endpoint unhealthy while NOSPACE is raised (constructed in its format, not recorded)
    const health = JSON.stringify(
      target.map((t) => ({ endpoint: `https://${t.ip}:2379`, health: false, took: '3ms', error: 'Active Alarm(s): NOSPACE' })),
    );
    const p = probe(NOSPACE);
    if (p.absent) throw new Error('absent');
    const v = { ...p, view: { ...p.view, health: JSON.parse(health).map((h: object) => ({ ...h })) } };
    expect(judgeMaintenance(v, target, 'recover')).toEqual({ leaderIp: '10.240.0.10', nospace: true });
    expect(judgeMaintenance(v, target, 'defrag')).toMatchObject({ code: 'ETCD_UNHEALTHY' });
    expect(nospaceOnly({ endpoint: 'x', health: false, took: '', error: 'context deadline exceeded' })).toBe(false);
  });

  it('parseAlarms names the type etcdctl 3.4 prints as a number', () => {
    expect(parseAlarms(NOSPACE)).toEqual([{ memberId: '2e1259d415f2a040', alarm: 'NOSPACE' }]);
    expect(parseAlarms(CORRUPT)).toEqual([{ memberId: '2e1259d415f2a040', alarm: 'CORRUPT' }]);
  });

  it("the other operations' ETCD_ALARM refusal points to etcd-recover-space.ts on NOSPACE", () => {
    const v = probe(NOSPACE);
    if (v.absent) throw new Error('absent');
    expect(judgeHealthy(v.view)).toMatchObject({ code: 'ETCD_ALARM', hint: expect.stringContaining('playbooks/etcd-recover-space.ts') });
  });
});

describe('defrag modules', () => {
  const args = (o: Record<string, unknown> = {}) => defragMemberArgs.parse({ self: target[1], members: target, ...tls, ...o });
  const ctx = (check: boolean) => ({ host: 'controller-1', check, become: true });
  const usage = { endpoint: 'https://10.240.0.11:2379', dbSize: 40 * MIB, dbSizeInUse: 2 * MIB };

  it('etcd-defrag-member plans exactly from the member figures; unknown in --check when it did not answer', () => {
    expect(etcdDefragMember.plan({ usage }, args(), ctx(true))).toMatchObject({
      changed: true,
      summary: expect.stringContaining('would defragment controller-1 (38.0 MiB of 40.0 MiB'),
    });
    expect(etcdDefragMember.plan({ usage: { ...usage, dbSizeInUse: 39 * MIB } }, args(), ctx(true))).toMatchObject({
      changed: false,
      summary: expect.stringContaining('below the threshold'),
    });
    expect(etcdDefragMember.plan({ usage: { ...usage, dbSizeInUse: 39 * MIB } }, args({ force: true }), ctx(true))).toMatchObject({
      changed: true,
    });
    expect(etcdDefragMember.plan({ usage: 'context deadline exceeded' }, args(), ctx(true))).toMatchObject({
      changed: false,
      unknown: expect.stringContaining('no endpoint status from controller-1'),
    });
    expect(() => etcdDefragMember.plan({ usage: 'context deadline exceeded' }, args(), ctx(false))).toThrow(
      expect.objectContaining({ code: 'ETCD_DEFRAG_FAILED' }),
    );
  });

  it('etcd-defrag-member reads only its own endpoint; the preflight refuses from the plan', () => {
    const f = etcdDefragMember.facts(args(), ctx(true));
    expect(f.usage.script).toContain('--endpoints=https://10.240.0.11:2379 ');
    expect(f.usage.script).toContain(' endpoint status -w json 2>&1');
    const pa = maintenancePreflightArgs.parse({ op: 'defrag', target, ...tls });
    expect(() => etcdMaintenancePreflight.plan({ probe: probe(NOSPACE) }, pa, ctx(true))).toThrow(
      expect.objectContaining({ code: 'ETCD_ALARM' }),
    );
    expect(etcdMaintenancePreflight.plan({ probe: probe() }, pa, ctx(true))).toMatchObject({
      changed: false,
      data: { leaderIp: '10.240.0.10' },
      summary: expect.stringContaining('controller-0 goes last'),
    });
  });

  it('vars: threshold a share, min bytes and timeout bounded', () => {
    expect(EtcdDefragVars.parse({})).toMatchObject({ etcdDefragThreshold: 0.2, etcdDefragMinBytes: 16 * MIB, etcdDefragTimeoutS: 300 });
    expect(EtcdDefragVars.parse({ etcdDefragThreshold: '0.5', etcdDefragMinBytes: '0' })).toMatchObject({
      etcdDefragThreshold: 0.5,
      etcdDefragMinBytes: 0,
    });
    for (const bad of [{ etcdDefragThreshold: 2 }, { etcdDefragThreshold: 'x' }, { etcdDefragMinBytes: '1;id' }, { etcdDefragTimeoutS: 0 }])
      expect(EtcdDefragVars.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('the playbooks: a read-only preflight play, then followers and the leader one at a time, stopping at any failure', () => {
    for (const pb of [defragPlaybook, recoverPlaybook]) {
      const [pre, followers, leader] = pb.plays;
      expect(pre).toMatchObject({ maxFailPercentage: 0 });
      expect(pre?.serial).toBeUndefined();
      for (const p of [followers, leader]) expect(p).toMatchObject({ serial: 1, maxFailPercentage: 0, become: true, hosts: 'controllers' });
      expect(followers?.tasks.map((t) => t.name)).toEqual(['etcd defragment (followers)']);
      expect(leader?.tasks.map((t) => t.name)).toEqual(['etcd defragment (leader last)']);
    }
    expect(recoverPlaybook.plays.flatMap((p) => p.tasks.map((t) => t.name))).toEqual([
      'etcd recover-space preflight',
      'etcd compact to the current revision',
      'etcd defragment (followers)',
      'etcd defragment (leader last)',
      'etcd alarm disarm',
      'etcd write probe (put, get, delete)',
    ]);
  });
});

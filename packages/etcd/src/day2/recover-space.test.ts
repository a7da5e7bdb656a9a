import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactArgs, etcdAlarmDisarm, etcdCompact, etcdWriteProbe, writeProbeArgs } from './recover-space.js';
import {
  compactOutcome,
  parseRevision,
  parseRevisionProbe,
  parseWriteProbe,
  probeKey,
  revisionScript,
  writeProbeScript,
} from './recover-space-scripts.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');
const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const members = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
const ctx = (check: boolean) => ({ host: 'controller-0', check, become: true });

describe('NOSPACE recovery: pure parts', () => {
  it('parseRevision: the highest header revision of a real status; why not otherwise', () => {
    expect(parseRevision(fx('endpoint-status-3.4.json'))).toBe(1);
    expect(
      parseRevision('[{"Endpoint":"a","Status":{"header":{"revision":41}}},{"Endpoint":"b","Status":{"header":{"revision":42}}}]'),
    ).toBe(42);
    expect(parseRevision('Error: context deadline exceeded')).toMatch(/not an endpoint status/);
  });

  it('the revision probe: read-only, the current revision and whether a read just below it is refused as compacted', () => {
    const s = revisionScript({ ...tls, endpoints: ['https://10.240.0.10:2379'] });
    expect(s).toContain(' endpoint status -w json');
    expect(s).toContain(' get / --limit=1 --keys-only --rev=$R');
    expect(s).not.toMatch(/ (put|del|compact|defrag) /);
    const status = fx('endpoint-status-3.4.json').replace(/"revision":1/g, '"revision":42');
    expect(parseRevisionProbe(status)).toEqual({ revision: 42, compacted: false });
    expect(parseRevisionProbe(`${status}@@compacted\n`)).toEqual({ revision: 42, compacted: true });
    expect(parseRevisionProbe('Error: context deadline exceeded')).toMatch(/not an endpoint status/);
  });

  it('compactOutcome: done, already compacted (a re-run), failed', () => {
    expect(compactOutcome(0, 'compacted revision 42')).toBe('compacted');
    expect(compactOutcome(1, '{"level":"warn"}\nError: etcdserver: mvcc: required revision has been compacted')).toBe('already');
    expect(compactOutcome(1, 'Error: context deadline exceeded')).toBe('failed');
  });

  it('the write probe: quoted put/get/del through every endpoint; true only when all three did their part', () => {
    const s = writeProbeScript({ ...tls, endpoints: members.map((m) => `https://${m.ip}:2379`) }, probeKey('controller-0'), "v'1");
    expect(s.split('\n')).toHaveLength(3);
    expect(s).toContain('--endpoints=https://10.240.0.10:2379,https://10.240.0.11:2379,https://10.240.0.12:2379');
    expect(s).toContain(`put /tsplay/write-probe/controller-0 'v'\\''1'`);
    const ok = '@@put 0 OK \n@@get 0 v1 \n@@del 0 1 \n';
    expect(parseWriteProbe(ok, 'v1')).toBe(true);
    expect(parseWriteProbe('@@put 1 {"level":"warn"} Error: etcdserver: mvcc: database space exceeded \n', 'v1')).toMatch(
      /put failed: .*database space exceeded/,
    );
    expect(parseWriteProbe(ok.replace('v1 ', 'v2 '), 'v1')).toMatch(/get read "v2"/);
    expect(parseWriteProbe(ok.replace('@@del 0 1', '@@del 0 0'), 'v1')).toMatch(/del: 0/);
    expect(parseWriteProbe('', 'v1')).toMatch(/no output/);
  });
});

describe('NOSPACE recovery: modules', () => {
  it('etcd-compact compacts only when the preflight saw NOSPACE, naming the revision in --check', () => {
    const a = (when: boolean) => compactArgs.parse({ members, ...tls, when });
    expect(etcdCompact.plan({ revision: { revision: 1234, compacted: false } }, a(true), ctx(true))).toMatchObject({
      changed: true,
      summary: expect.stringContaining('revision 1234'),
    });
    expect(etcdCompact.plan({ revision: { revision: 1234, compacted: true } }, a(true), ctx(true))).toMatchObject({
      changed: false,
      summary: 'already compacted to the current revision 1234',
    });
    expect(etcdCompact.plan({ revision: { revision: 1234, compacted: false } }, a(false), ctx(true))).toMatchObject({ changed: false });
  });

  it('etcd-alarm-disarm changes only with a NOSPACE alarm; unknown in --check when the list is unreadable', () => {
    const a = compactArgs.omit({ when: true, timeoutS: true }).parse({ members, ...tls });
    expect(etcdAlarmDisarm.plan({ alarms: [{ memberId: 'f98dc20bce6225a0', alarm: 'NOSPACE' }] }, a, ctx(true))).toMatchObject({
      changed: true,
      summary: expect.stringContaining('f98dc20bce6225a0'),
    });
    expect(etcdAlarmDisarm.plan({ alarms: [] }, a, ctx(true))).toMatchObject({ changed: false, summary: 'no NOSPACE alarm' });
    expect(etcdAlarmDisarm.plan({ alarms: 'Error: x' }, a, ctx(true))).toMatchObject({ unknown: expect.stringContaining('Error: x') });
    expect(() => etcdAlarmDisarm.plan({ alarms: 'Error: x' }, a, ctx(false))).toThrow(
      expect.objectContaining({ code: 'ETCD_RECOVER_FAILED' }),
    );
  });

  it('etcd-write-probe: no change, runs in a real run only (it writes), names its key', () => {
    const a = writeProbeArgs.parse({ members, ...tls, name: 'controller-0' });
    expect(etcdWriteProbe.plan({}, a, ctx(true))).toEqual({
      changed: false,
      run: true,
      summary: 'would put, get and delete /tsplay/write-probe/controller-0 through every member',
    });
    expect(etcdWriteProbe.readOnly).toBeUndefined();
    expect(writeProbeArgs.safeParse({ members, ...tls, name: 'a b' }).success).toBe(false);
  });
});

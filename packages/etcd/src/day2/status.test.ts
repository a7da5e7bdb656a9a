import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { failedEndpoints, hexId, leaderOf, parseAlarms, parseEndpointStatus, parseSnapshotStatus, parseVersionJson } from './status.js';

const fx = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/day2', name), 'utf8');

describe('day-2 parsers on real etcdctl output', () => {
  test('endpoint status of a 3.4.23 cluster: exact uint64 IDs, one leader, raft indexes', () => {
    const s = parseEndpointStatus(fx('endpoint-status-3.4.json'));
    expect(s.map((x) => [x.endpoint, x.memberId, x.version, x.raftIndex])).toEqual([
      ['https://10.240.0.10:2379', 'f98dc20bce6225a0', '3.4.23', 8],
      ['https://10.240.0.11:2379', 'ffed16798470cab5', '3.4.23', 8],
      ['https://10.240.0.12:2379', '3a57933972cb5131', '3.4.23', 8],
    ]);
    expect(new Set(s.map((x) => x.leader))).toEqual(new Set(['f98dc20bce6225a0']));
    expect(s.every((x) => !x.isLearner && x.errors.length === 0)).toBe(true);
  });

  test('3.5 etcdctl prints the same shape', () => {
    const s = parseEndpointStatus(fx('endpoint-status-3.5-etcdctl.json'));
    expect(s.map((x) => x.raftIndex)).toEqual([9, 9, 9]);
  });

  test('an unreachable endpoint: the JSON of the others after the log lines, and the failure named', () => {
    const text = fx('endpoint-status-one-down.txt');
    expect(parseEndpointStatus(text)).toHaveLength(3);
    expect(failedEndpoints(text)).toEqual([{ endpoint: 'https://10.240.0.19:2379', error: 'context deadline exceeded' }]);
  });

  test('alarms, snapshot status (3.4 etcdctl, 3.5 etcdctl with its deprecation line, etcdutl), /version', () => {
    expect(parseAlarms(fx('alarm-list-none.json'))).toEqual([]);
    expect(
      parseAlarms(
        '{"header":{"cluster_id":4502693191618639397,"member_id":17982242243123226016},"alarms":[{"memberID":17982242243123226016,"alarm":"NOSPACE"}]}',
      ),
    ).toEqual([{ memberId: 'f98dc20bce6225a0', alarm: 'NOSPACE' }]);
    const want = { hash: 1837441948, revision: 0, totalKey: 5, totalSize: 20480 };
    expect(parseSnapshotStatus(fx('snapshot-status-3.4.json'))).toEqual(want);
    expect(parseSnapshotStatus(fx('snapshot-status-3.5-etcdctl.txt'))).toEqual(want);
    expect(parseSnapshotStatus(fx('snapshot-status-3.5-etcdutl.json'))).toEqual(want);
    expect(parseVersionJson(fx('version-3.4.json'))).toEqual({ server: '3.4.23', cluster: '3.4.0' });
  });

  test('errors name what they got', () => {
    expect(() => parseEndpointStatus(fx('member-add-unhealthy.txt'))).toThrow(/not an endpoint status report: .*unhealthy cluster/s);
    expect(() => parseSnapshotStatus('Error: snapshot file has wrong size')).toThrow(/not a snapshot status/);
    expect(hexId('0')).toBe('');
    expect(hexId(17982242243123226016n.toString())).toBe('f98dc20bce6225a0');
  });
});

describe('leaderOf: who leads, the one reading the backup and the upgrade share', () => {
  const status = parseEndpointStatus(fx('endpoint-status-3.4.json'));
  test('the member every status names, and that names itself (3.4 and 3.5 output)', () => {
    expect(leaderOf(status)).toMatchObject({ endpoint: 'https://10.240.0.10:2379', memberId: 'f98dc20bce6225a0' });
    expect(leaderOf(parseEndpointStatus(fx('endpoint-status-3.5-etcdctl.json')))).toMatchObject({
      endpoint: 'https://10.240.0.10:2379',
      memberId: 'f98dc20bce6225a0',
    });
  });

  test('none: no answer, members that disagree or see no leader, a leader that did not answer', () => {
    expect(leaderOf([])).toBe('no member answered endpoint status');
    expect(leaderOf(status.map((s, i) => (i === 2 ? { ...s, leader: '' } : s)))).toBe(
      'the members do not agree on one leader (f98dc20bce6225a0, none)',
    );
    expect(leaderOf(status.map((s, i) => (i === 1 ? { ...s, leader: s.memberId } : s)))).toMatch(
      /do not agree on one leader \(f98dc20bce6225a0, ffed16798470cab5\)/,
    );
    expect(leaderOf(status.slice(1))).toBe('the leader did not answer endpoint status');
  });
});

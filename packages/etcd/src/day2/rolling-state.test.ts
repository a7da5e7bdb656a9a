import { describe, expect, it } from 'vitest';
import { judgeRestart, parseRestartState, restartStateScript } from './rolling-state.js';

const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
// recorded shape of `etcdctl endpoint status -w json` (3.4.23) on the leader
const STATUS =
  '[{"Endpoint":"https://127.0.0.1:2379","Status":{"header":{"cluster_id":17237436991929493444,"member_id":9372538179322589801,"revision":8,"raft_term":2},"version":"3.4.23","dbSize":20480,"leader":9372538179322589801,"raftIndex":12,"raftTerm":2,"raftAppliedIndex":12,"dbSizeInUse":20480}}]';
const out = (o: { active?: string; started?: string; files?: [string, string][]; status?: string }) =>
  [
    `@@active ${o.active ?? 'active'}`,
    ...(o.started !== undefined ? [`@@started ${o.started}`] : []),
    ...(o.files ?? []).map(([c, p]) => `@@file ${c} ${p}`),
    ...(o.status !== undefined ? [`@@status ${o.status}`] : []),
  ].join('\n');

describe('rolling restart state', () => {
  it('the script is read-only and asks only the local member', () => {
    const s = restartStateScript({ ...tls, watch: [tls.caFile, tls.certFile] });
    expect(s).toContain('systemctl is-active etcd');
    expect(s).toContain('ExecMainStartTimestamp');
    expect(s).toContain('stat -c %Z /etc/etcd/ca.pem');
    expect(s).toContain('--endpoints=https://127.0.0.1:2379');
    expect(s).not.toMatch(/restart|move-leader|rm |mv /);
  });

  it('parses the unit state, the start time, the files and the leader', () => {
    const s = parseRestartState(
      out({
        started: '1700000100',
        files: [
          ['1700000000', tls.caFile],
          ['-', '/etc/etcd/my cert.pem'],
        ],
        status: STATUS,
      }),
    );
    expect(s).toEqual({
      active: 'active',
      startedAt: 1700000100,
      files: [
        { path: tls.caFile, ctime: 1700000000 },
        { path: '/etc/etcd/my cert.pem', ctime: undefined },
      ],
      memberId: '8211f1d0f64f3269',
      leader: '8211f1d0f64f3269',
    });
    expect(parseRestartState(out({ active: 'inactive', started: '' }))).toMatchObject({
      active: 'inactive',
      startedAt: undefined,
      memberId: '',
      leader: '',
    });
    expect(parseRestartState(out({ status: 'Error: context deadline exceeded' })).leader).toBe('');
  });

  it('a file changed after etcd started needs a restart; one written in the same second does not', () => {
    const s = (c: string) => parseRestartState(out({ started: '1700000100', files: [[c, tls.certFile]], status: STATUS }));
    expect(judgeRestart(s('1700000101'))).toEqual({ need: true, leader: true, reason: `${tls.certFile} changed after etcd started` });
    expect(judgeRestart(s('1700000100')).need).toBe(false);
    expect(judgeRestart(s('1699999999')).need).toBe(false);
    expect(judgeRestart(s('1700000101'), { done: true }).need).toBe(false);
    expect(judgeRestart(s('1700000101'), { restartedAnyway: true }).need).toBe(false);
  });

  it('a member that does not run loads the files when it starts: never restarted here', () => {
    for (const active of ['inactive', 'failed', '']) {
      const s = parseRestartState(out({ active, files: [['1700000101', tls.certFile]] }));
      expect(judgeRestart(s, { pending: true }).need).toBe(false);
    }
    expect(
      judgeRestart(parseRestartState(out({ active: 'activating', started: '1700000000', files: [['1700000101', tls.certFile]] }))).need,
    ).toBe(true);
  });

  it('check mode: a copy that would change predicts the restart of a running member', () => {
    const s = parseRestartState(
      out({
        started: '1700000100',
        files: [['1700000000', tls.certFile]],
        status: STATUS.replace('"leader":9372538179322589801', '"leader":1'),
      }),
    );
    expect(judgeRestart(s)).toMatchObject({ need: false, leader: false });
    expect(judgeRestart(s, { pending: true })).toMatchObject({ need: true, leader: false });
  });
});

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(s).toContain('systemctl show etcd.service -p ActiveState,ExecMainStartTimestamp');
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

  it('asks the member who leads only when a watched file changed after etcd started, or a change is pending', () => {
    // a host in a directory: systemctl says etcd runs since a given time, etcdctl counts its calls
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-rolling-state-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'ca');
    const calls = join(dir, 'calls');
    const stub = (name: string, body: string) => {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    // systemd prints the properties in its own order, not in the order asked for
    const units = join(dir, 'units');
    // an older systemd (before 248) knows no --timestamp=unix and prints the start as local text
    const old = join(dir, 'old');
    stub(
      'systemctl',
      `echo call >> ${units}; d="$(dirname "$0")"; case "$*" in *--timestamp=unix*) [ -f ${old} ] && { echo 'Unknown option' >&2; exit 1; }; cat "$d/show";; *ExecMainStartTimestamp*) cat "$d/show-text";; esac`,
    );
    stub('etcdctl', `echo call >> ${calls}; echo '${STATUS}'`);
    const dates = join(dir, 'dates');
    stub('date', `echo call >> ${dates}; PATH=${process.env.PATH}; exec date "$@"`);
    const ctime = Math.floor(Date.now() / 1000);
    utimesSync(ca, ctime, ctime);
    const state = (startedAt: number, pending: boolean, active = 'active', systemd = 252) => {
      const text = spawnSync('date', ['-d', `@${startedAt}`, '+%a %Y-%m-%d %H:%M:%S %Z'], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(join(dir, 'show'), `ExecMainStartTimestamp=@${startedAt}\nActiveState=${active}\n`);
      writeFileSync(join(dir, 'show-text'), `ExecMainStartTimestamp=${text}\nActiveState=${active}\n`);
      if (systemd < 248) writeFileSync(old, '');
      else rmSync(old, { force: true });
      for (const f of [calls, units, dates]) writeFileSync(f, '');
      const script = restartStateScript({ ...tls, watch: [ca], etcdctl: join(dir, 'etcdctl'), pending });
      const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
      const count = (f: string) => spawnSync('cat', [f], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
      // one systemctl process for the unit's state and its start, and no `date` (two and one on an older systemd)
      expect([count(units), count(dates)]).toEqual(systemd < 248 ? [2, 1] : [1, 0]);
      return { judged: judgeRestart(parseRestartState(r.stdout), { pending }), asked: count(calls) };
    };
    // started after the file's ctime: nothing to restart, and etcdctl never runs
    expect(state(ctime + 100, false)).toEqual({
      judged: { need: false, leader: false, reason: 'etcd runs with the current certificates' },
      asked: 0,
    });
    // the file changed after the start: restart, and who leads is known (the recorded status is the leader's)
    expect(state(ctime - 100, false)).toEqual({
      judged: { need: true, leader: true, reason: `${ca} changed after etcd started` },
      asked: 1,
    });
    // check mode with a change pending: asked although the file on the host is older
    expect(state(ctime + 100, true)).toMatchObject({ judged: { need: true, leader: true }, asked: 1 });
    // the same two answers from an older systemd's text time
    expect(state(ctime + 100, false, 'active', 247)).toMatchObject({ judged: { need: false }, asked: 0 });
    expect(state(ctime - 100, false, 'active', 247)).toMatchObject({ judged: { need: true, leader: true }, asked: 1 });
    // a member that does not run: its state read from the same show, never asked
    expect(state(ctime - 100, false, 'failed')).toEqual({
      judged: { need: false, leader: false, reason: 'etcd is failed: it loads the files when it starts' },
      asked: 0,
    });
  });
});

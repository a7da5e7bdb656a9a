import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { MemberStatus } from '../members.js';
import { etcdUnit } from '../unit.js';
import { joinState } from './join.js';
import { joinedMembers, joinWork, LEARNER_MARK, learnerFormScript, learnerUnit, parseLearnerForm } from './join-unit.js';

const tls = { caFile: '/etc/etcd/ca.pem', certFile: '/etc/etcd/kubernetes.pem', keyFile: '/etc/etcd/kubernetes-key.pem' };
const three = [0, 1, 2].map((i) => ({ name: `controller-${i}`, ip: `10.240.0.1${i}` }));
const unit = etcdUnit({ name: 'controller-2', internalIp: '10.240.0.12', members: three, token: 't', dataDir: '/var/lib/etcd', ...tls });
const dir = mkdtempSync(join(tmpdir(), 'tsplay-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the learner unit', () => {
  test('only the client URLs change: served and advertised on 127.0.0.1; every other line is the normal unit', () => {
    const l = learnerUnit(unit, '10.240.0.12');
    const diff = (a: string, b: string) => a.split('\n').filter((x) => !b.split('\n').includes(x));
    expect(diff(l, unit)).toEqual([
      '  --listen-client-urls https://127.0.0.1:2379 \\',
      '  --advertise-client-urls https://127.0.0.1:2379 \\',
    ]);
    expect(diff(unit, l)).toEqual([
      '  --listen-client-urls https://10.240.0.12:2379,https://127.0.0.1:2379 \\',
      '  --advertise-client-urls https://10.240.0.12:2379 \\',
    ]);
    expect(l).not.toContain('10.240.0.12:2379');
    expect(l).toContain('--listen-peer-urls https://10.240.0.12:2380');
    expect(() => learnerUnit(unit, '10.240.0.11')).toThrowError(expect.objectContaining({ code: 'ETCD_JOIN_FAILED' }));
  });

  test('the form script reads the unit file and the running etcd (a fake systemctl naming a process with the mark)', async () => {
    const bin = join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    const run = (unitPath: string, pid: string) => {
      writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho ${pid}\n`);
      chmodSync(join(bin, 'systemctl'), 0o755);
      return execFileSync('sh', ['-c', learnerFormScript(unitPath)], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
    };
    writeFileSync(join(dir, 'learner.service'), learnerUnit(unit, '10.240.0.12'));
    writeFileSync(join(dir, 'normal.service'), unit);
    const child = spawn('sh', ['-c', 'sleep 30; :', 'x', ...LEARNER_MARK.split(' ')], { stdio: 'ignore' });
    const plain = spawn('sh', ['-c', 'sleep 30; :', 'x', '--advertise-client-urls', 'https://10.240.0.12:2379'], { stdio: 'ignore' });
    try {
      await Promise.all([once(child, 'spawn'), once(plain, 'spawn')]); // libuv reports spawn after the exec
      expect(parseLearnerForm(run(join(dir, 'learner.service'), String(child.pid)))).toEqual({ unit: true, running: true });
      expect(parseLearnerForm(run(join(dir, 'normal.service'), String(child.pid)))).toEqual({ unit: false, running: true });
      expect(parseLearnerForm(run(join(dir, 'normal.service'), String(plain.pid)))).toEqual({ unit: false, running: false });
      expect(parseLearnerForm(run(join(dir, 'missing.service'), '0'))).toEqual({ unit: false, running: false });
    } finally {
      child.kill();
      plain.kill();
    }
  });
});

describe('where the join stands', () => {
  const m = (i: number, o: Partial<MemberStatus> = {}): MemberStatus => ({
    id: `aa${i}`,
    name: `controller-${i}`,
    status: 'started',
    peerUrls: [`https://10.240.0.1${i}:2380`],
    clientUrls: [`https://10.240.0.1${i}:2379`],
    isLearner: false,
    ...o,
  });
  const self = three[2] as (typeof three)[0];
  const no = { unit: false, running: false };

  test('absent, learner (also unstarted), voter; a voter still in the learner form is finished', () => {
    expect(joinState(undefined, self)).toBe('unknown');
    expect(joinState([m(0), m(1)], self)).toBe('absent');
    expect(joinState([m(0), m(1), m(2, { isLearner: true })], self)).toBe('learner');
    expect(joinState([m(0), m(1), m(2, { status: 'unstarted', name: '' })], self)).toBe('learner');
    expect(joinState([m(0), m(1), m(2)], self)).toBe('voter');
    expect(joinWork('unknown', no)).toBe('join');
    expect(joinWork('absent', no)).toBe('join');
    expect(joinWork('learner', { unit: true, running: true })).toBe('complete');
    expect(joinWork('voter', no)).toBe('none');
    expect(joinWork('voter', { unit: true, running: false })).toBe('finish');
    expect(joinWork('voter', { unit: false, running: true })).toBe('finish');
  });

  test('joined members: named from the target when etcd has no name yet, addressed from the peer URL otherwise', () => {
    const list = [m(0), m(1), m(2, { status: 'unstarted', name: '' }), m(3, { name: 'extra' })];
    expect(joinedMembers(list, three)).toEqual([...three, { name: 'extra', ip: '10.240.0.13' }]);
  });
});

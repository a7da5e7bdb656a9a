import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EtcdVars } from '../vars.js';
import { leaveArgs, leaveStateScript, leaveWork, parseLeaveState } from './remove.js';

const list = readFileSync(join(import.meta.dirname, '../fixtures/day2/member-list-3.4.json'), 'utf8');
const args = leaveArgs.parse({
  self: { name: 'controller-2', ip: '10.240.0.12' },
  keep: [
    { name: 'controller-0', ip: '10.240.0.10' },
    { name: 'controller-1', ip: '10.240.0.11' },
  ],
  dataDir: '/var/lib/etcd',
  caFile: '/etc/etcd/ca.pem',
  certFile: '/etc/etcd/kubernetes.pem',
  keyFile: '/etc/etcd/kubernetes-key.pem',
});

describe('etcd-leave state', () => {
  test('the script asks only the members that stay', () => {
    const s = leaveStateScript(args);
    expect(s).toContain('--endpoints=https://10.240.0.10:2379,https://10.240.0.11:2379');
    expect(s).not.toContain('10.240.0.12:2379');
  });

  test('the script runs etcdctl as a command, not as one quoted word', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-leave-'));
    const ctl = join(dir, 'etcdctl');
    writeFileSync(ctl, '#!/bin/sh\necho "listed $ETCDCTL_API $#"\n');
    chmodSync(ctl, 0o755);
    writeFileSync(join(dir, 'cert.pem'), 'x');
    const out = execFileSync('/bin/sh', ['-c', leaveStateScript({ ...args, etcdctl: ctl, certFile: join(dir, 'cert.pem') })], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/^listed 3 \d+$/m);
  });

  test('a running member: its hex ID from the list, all three steps to do', () => {
    const s = parseLeaveState(`@@active active\n@@enabled enabled\n@@datadir yes\n${list}`, args.self);
    expect(s).toEqual({ memberId: '3a57933972cb5131', active: true, enabled: true, dataDir: true });
    expect(leaveWork(s)).toEqual(['member remove', 'stop and disable etcd', 'archive the data dir']);
  });

  test('after a removal nothing is left to do; an unreadable list still counts as work', () => {
    const self = { ip: '10.240.0.99' };
    const gone = parseLeaveState(`@@active inactive\n@@enabled disabled\n@@datadir no\n${list}`, self);
    expect(gone.memberId).toBe('');
    expect(leaveWork(gone)).toEqual([]);
    const unread = parseLeaveState('@@active inactive\n@@enabled disabled\n@@datadir no\n', self);
    expect(unread.memberId).toBeUndefined();
    expect(leaveWork(unread)).toEqual(['member remove']);
  });
});

describe('the etcdRemove var', () => {
  test('a list or a comma-separated string (as -e gives it), blanks dropped; none by default', () => {
    expect(EtcdVars.parse({ etcdRemove: 'controller-3, controller-4,' }).etcdRemove).toEqual(['controller-3', 'controller-4']);
    expect(EtcdVars.parse({ etcdRemove: ['controller-3'] }).etcdRemove).toEqual(['controller-3']);
    expect(EtcdVars.parse({}).etcdRemove).toEqual([]);
  });
});

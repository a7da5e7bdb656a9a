import { describe, expect, it } from 'vitest';
import { actionScript } from './step.js';
import type { SystemdAction } from './plan.js';

const U = 'etcd.service';

describe('the commands for the planned actions', () => {
  it.each<[string, SystemdAction[], string[]]>([
    // a fresh unit: links without a reload, the start queued, then the one reload (it runs while the unit starts)
    [
      'enable, start',
      ['enable', 'start'],
      ['systemctl enable --no-reload etcd.service', 'systemctl start --no-block etcd.service', 'systemctl daemon-reload'],
    ],
    // systemd holds a stale unit file: the reload stays before the start, and it is the only one
    [
      'daemon-reload, enable, start',
      ['daemon-reload', 'enable', 'start'],
      ['systemctl enable --no-reload etcd.service', 'systemctl daemon-reload', 'systemctl start --no-block etcd.service'],
    ],
    ['daemon-reload, restart', ['daemon-reload', 'restart'], ['systemctl daemon-reload', 'systemctl restart --no-block etcd.service']],
    [
      'disable, stop',
      ['disable', 'stop'],
      ['systemctl disable --no-reload etcd.service', 'systemctl stop etcd.service', 'systemctl daemon-reload'],
    ],
    ['enable alone', ['enable'], ['systemctl enable --no-reload etcd.service', 'systemctl daemon-reload']],
    ['start alone: no reload', ['start'], ['systemctl start --no-block etcd.service']],
    ['reload alone', ['reload'], ['systemctl reload etcd.service']],
  ])('%s', (_name, actions, commands) => {
    expect(actionScript(U, actions, true).split(' && ')).toEqual(commands);
    const reloads = actionScript(U, actions, true)
      .split(' && ')
      .filter((c) => c === 'systemctl daemon-reload');
    expect(reloads.length).toBe(actions.some((a) => a === 'daemon-reload' || a === 'enable' || a === 'disable') ? 1 : 0);
  });

  it('blocks on the start without noBlock, and quotes the unit', () => {
    expect(actionScript(U, ['enable', 'start'], false)).toBe(
      'systemctl enable --no-reload etcd.service && systemctl start etcd.service && systemctl daemon-reload',
    );
    expect(actionScript('my unit.service', ['enable'], true)).toBe(
      "systemctl enable --no-reload 'my unit.service' && systemctl daemon-reload",
    );
  });
});

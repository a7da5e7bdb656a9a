import { describe, expect, it } from 'vitest';
import { task, type TaskContext } from '@tsplay/core';
import { z } from 'zod';
import { systemd, systemdService } from './index.js';

const ctx = (notified: boolean) => ({ notified }) as TaskContext;
const unitTask = task(systemd, { name: 'other' }, { name: 'unit' });
const certTask = task(systemd, { name: 'other2' }, { name: 'cert' });

describe('systemdService', () => {
  it('builds the handler pattern: restart follows ctx.notified, notifiedBy = restartWhen', () => {
    const t = systemdService(
      { name: 'etcd', state: 'started', enabled: true, daemonReload: true },
      { name: 'start etcd', restartWhen: [unitTask, certTask], tags: ['etcd'] },
    );
    expect(t.name).toBe('start etcd');
    expect(t.module).toBe(systemd);
    expect(t.notifiedBy).toEqual([unitTask, certTask]);
    expect(t.tags).toEqual(['etcd']);
    const args = t.args as (c: TaskContext) => unknown;
    expect(args(ctx(true))).toEqual({ name: 'etcd', state: 'started', enabled: true, daemonReload: true, restart: true });
    expect(args(ctx(false))).toMatchObject({ restart: false });
  });

  it('takes args as a function of the host context, and names the task after the unit by default', () => {
    const t = systemdService((c) => ({ name: c.notified ? 'a' : 'b', state: 'restarted' }));
    expect(t.name).toBe('systemd service');
    expect(systemdService({ name: 'etcd' }).name).toBe('systemd etcd');
    expect((t.args as (c: TaskContext) => unknown)(ctx(true))).toEqual({ name: 'a', state: 'restarted', restart: true });
  });

  it('the module declares its facts: unit state, unit file (overlay-aware), predicted state', () => {
    const f = systemd.facts(systemd.args.parse({ name: 'etcd' }) as z.output<typeof systemd.args>, {
      host: 'h',
      check: true,
      become: true,
    });
    expect(Object.keys(f)).toEqual(['unit', 'unitFile', 'predicted']);
    expect(f.unit.script).toContain('systemctl show etcd.service');
    expect(
      f.unitFile.fromOverlay?.({
        path: (p) => (p === '/etc/systemd/system/etcd.service' ? { exists: true } : undefined),
        unit: () => undefined,
        touches: () => false,
        unknown: () => undefined,
      }),
    ).toEqual({
      state: { exists: true },
      predicted: true,
    });
  });
});

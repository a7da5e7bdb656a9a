import { describe, expect, it } from 'vitest';
import { parseUnitShow, type UnitState } from '@tsplay/core/module';
import { systemdArgs, type SystemdArgsInput } from './args.js';
import { type SystemdFactValues } from './facts.js';
import { planSystemd } from './plan.js';
import { unitName } from './facts.js';

const host = { host: 'controller-0' };
const args = (a: Partial<SystemdArgsInput> = {}) => systemdArgs.parse({ name: 'etcd', ...a });

/** `systemctl show etcd -p ...` outputs as seen on Debian bookworm (systemd 252). */
const SHOW = {
  notFound: 'LoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\nFragmentPath=\nNeedDaemonReload=no\n',
  loadedStopped:
    'LoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=disabled\nFragmentPath=/etc/systemd/system/etcd.service\nNeedDaemonReload=no\n',
  running:
    'LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nFragmentPath=/etc/systemd/system/etcd.service\nNeedDaemonReload=no\n',
  runningStale:
    'LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nFragmentPath=/etc/systemd/system/etcd.service\nNeedDaemonReload=yes\n',
  failed:
    'LoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=enabled\nFragmentPath=/etc/systemd/system/etcd.service\nNeedDaemonReload=no\n',
  staticUnit:
    'LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=static\nFragmentPath=/lib/systemd/system/x.service\nNeedDaemonReload=no\n',
};

const FILE = { exists: true, type: 'file' as const, mode: 0o644, owner: 'root', group: 'root', size: 900 };

function facts(
  show: string,
  file: { exists: boolean; predicted?: boolean } = { exists: true },
  predicted: Partial<UnitState> | null = null,
): SystemdFactValues {
  return {
    unit: parseUnitShow(show),
    unitFile: { state: file.exists ? FILE : { exists: false }, predicted: file.predicted ?? false },
    predicted,
  };
}

const full = { state: 'started', enabled: true, daemonReload: true } as const;

describe('systemd plan', () => {
  it('unit names default to .service', () => {
    expect(unitName('etcd')).toBe('etcd.service');
    expect(unitName('tsplay-x.socket')).toBe('tsplay-x.socket');
  });

  it('check mode on a fresh host: the unit file an earlier template predicts is enabled and started', () => {
    // systemd loads a unit it does not hold afresh (seen on systemd 252): no daemon-reload, as the real run finds
    const p = planSystemd(facts(SHOW.notFound, { exists: true, predicted: true }), args(full), host);
    expect(p.changed).toBe(true);
    expect(p.data?.actions).toEqual(['enable', 'start']);
    expect(p.predict?.units?.['etcd.service']).toMatchObject({
      load: 'loaded',
      active: 'active',
      enabled: 'enabled',
      needDaemonReload: false,
    });
    expect(p.diff?.[0]?.before).toContain('active: inactive');
    expect(p.diff?.[0]?.after).toContain('active: active');
    expect(p.diff?.[0]?.after).toContain('enabled: enabled');
  });

  it('a unit file on disk that systemd has not loaded needs a daemon-reload', () => {
    const p = planSystemd(facts(SHOW.notFound), args(full), host);
    expect(p.data?.actions).toEqual(['daemon-reload', 'enable', 'start']);
  });

  it('a loaded, disabled unit whose file systemd already read: no daemon-reload', () => {
    const p = planSystemd(facts(SHOW.loadedStopped), args(full), host);
    expect(p.data?.actions).toEqual(['enable', 'start']);
  });

  it('converged: nothing to do, daemonReload is not a change by itself', () => {
    const p = planSystemd(facts(SHOW.running), args(full), host);
    expect(p).toMatchObject({ changed: false });
    expect(p.diff).toBeUndefined();
    expect(p.predict).toBeUndefined();
  });

  it('NeedDaemonReload=yes plus a notification: reload and restart', () => {
    const p = planSystemd(facts(SHOW.runningStale), args({ ...full, restart: true }), host);
    expect(p.data?.actions).toEqual(['daemon-reload', 'restart']);
  });

  it('check mode: a predicted rewrite of an unreferenced unit needs no reload (systemd reads it afresh)', () => {
    expect(planSystemd(facts(SHOW.loadedStopped, { exists: true, predicted: true }), args({ daemonReload: true }), host).changed).toBe(
      false,
    );
    expect(planSystemd(facts(SHOW.failed, { exists: true, predicted: true }), args({ daemonReload: true }), host).data?.actions).toEqual([
      'daemon-reload',
    ]);
  });

  it('check mode: a predicted rewrite of a running unit reloads; restart only when notified', () => {
    expect(planSystemd(facts(SHOW.running, { exists: true, predicted: true }), args(full), host).data?.actions).toEqual(['daemon-reload']);
    expect(
      planSystemd(facts(SHOW.running, { exists: true, predicted: true }), args({ ...full, restart: true }), host).data?.actions,
    ).toEqual(['daemon-reload', 'restart']);
  });

  it('a stopped service that was notified is started, not restarted', () => {
    expect(planSystemd(facts(SHOW.loadedStopped), args({ ...full, restart: true }), host).data?.actions).toEqual(['enable', 'start']);
    expect(planSystemd(facts(SHOW.failed), args({ ...full, restart: true }), host).data?.actions).toEqual(['start']);
  });

  it('a notified unit that is still activating is restarted (it runs the old config); otherwise waited for', () => {
    const activating = SHOW.running.replace('ActiveState=active', 'ActiveState=activating').replace('SubState=running', 'SubState=start');
    expect(planSystemd(facts(activating), args({ ...full, restart: true }), host).data?.actions).toEqual(['restart']);
    expect(planSystemd(facts(activating), args(full), host).data?.actions).toEqual(['start']);
  });

  it('stopped and disabled', () => {
    const p = planSystemd(facts(SHOW.running), args({ state: 'stopped', enabled: false, restart: true }), host);
    expect(p.data?.actions).toEqual(['disable', 'stop']);
    expect(p.predict?.units?.['etcd.service']).toMatchObject({ active: 'inactive', enabled: 'disabled' });
    expect(planSystemd(facts(SHOW.loadedStopped), args({ state: 'stopped', enabled: false }), host).changed).toBe(false);
    expect(planSystemd(facts(SHOW.failed), args({ state: 'stopped' }), host).changed).toBe(false);
  });

  it('restarted and reloaded always act', () => {
    expect(planSystemd(facts(SHOW.running), args({ state: 'restarted' }), host).data?.actions).toEqual(['restart']);
    expect(planSystemd(facts(SHOW.loadedStopped), args({ state: 'restarted' }), host).data?.actions).toEqual(['start']);
    expect(planSystemd(facts(SHOW.running), args({ state: 'reloaded' }), host).data?.actions).toEqual(['reload']);
    expect(planSystemd(facts(SHOW.loadedStopped), args({ state: 'reloaded' }), host).data?.actions).toEqual(['start']);
  });

  it('a static unit cannot be enabled and is not reported as a change', () => {
    expect(planSystemd(facts(SHOW.staticUnit, { exists: false }), args({ name: 'x', enabled: true, state: 'started' }), host).changed).toBe(
      false,
    );
  });

  it('an earlier systemd task of the check run is laid over the host state', () => {
    const p = planSystemd(facts(SHOW.loadedStopped, { exists: true }, { active: 'active', enabled: 'enabled' }), args(full), host);
    expect(p.changed).toBe(false);
  });

  it('a unit that exists nowhere fails with a coded error naming the field', () => {
    expect(() => planSystemd(facts(SHOW.notFound, { exists: false }), args(full), host)).toThrowError(
      expect.objectContaining({ code: 'SERVICE_FAILED', field: 'name', host: 'controller-0' }),
    );
    // ...but stopping or disabling a unit that is not there has nothing to do.
    expect(planSystemd(facts(SHOW.notFound, { exists: false }), args({ state: 'stopped', enabled: false }), host).changed).toBe(false);
  });

  it('bad args are rejected by the schema with the field path', () => {
    const r = systemdArgs.safeParse({ name: 'etcd', state: 'running' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['state']);
    expect(systemdArgs.safeParse({ name: 'etcd; rm -rf /' }).success).toBe(false);
  });
});

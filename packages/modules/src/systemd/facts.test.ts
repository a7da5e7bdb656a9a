import { FactCache } from '@tsplay/core/module';
import { describe, expect, it } from 'vitest';
import { systemdFacts, UNIT_STATE_PATHS } from './facts.js';
import { planSystemd } from './plan.js';
import { systemdArgs } from './args.js';

const unitState = { load: 'loaded', active: 'active', sub: 'running', enabled: 'enabled', fragmentPath: '', needDaemonReload: false };
const facts = systemdFacts('etcd.service');

/** A host cache holding the systemd task's three answers. */
function cached(): FactCache {
  const c = new FactCache();
  c.put(facts.unit, unitState);
  c.put(facts.unitFile, { state: { exists: true, type: 'file' }, predicted: false });
  c.put(facts.predicted, null);
  return c;
}

const kept = (c: FactCache) => ({
  unit: c.values.has(facts.unit.key),
  unitFile: c.values.has(facts.unitFile.key),
  predicted: c.values.has(facts.predicted.key),
});

describe('what the systemd facts read, as the runner keeps them across a described change', () => {
  it.each<[string, boolean, boolean]>([
    // [written path, unit state kept, unit file kept]
    ['/etc/etcd/etcd.conf', true, true],
    ['/usr/local/bin/etcd', true, true],
    ['/var/lib/etcd/member', true, true],
    ['/etc/default/etcd', true, true],
    ['/etc/systemd/system/etcd.service', false, false],
    ['/etc/systemd/system/etcd.service.d/override.conf', false, true],
    ['/etc/systemd/system/multi-user.target.wants/etcd.service', false, true],
    ['/etc/systemd/system/other.service', false, true],
    ['/run/systemd/system/etcd.service', false, true],
    ['/lib/systemd/system/etcd.service', false, true],
    ['/usr/lib/systemd/system/etcd.service.d/10-x.conf', false, true],
    ['/usr/local/lib/systemd/system/etcd.service', false, true],
    ['/etc/systemd/system-preset/90-x.preset', false, true],
    ['/etc/fstab', false, true],
    ['/etc/init.d/etcd', false, true],
    // a directory above what they read (replaced as a whole)
    ['/etc', false, false],
    ['/etc/systemd/system', false, false],
  ])('a write of %s: unit state kept %s, unit file kept %s', (path, unit, unitFile) => {
    const c = cached();
    c.forgetChanged([path]);
    expect(kept(c)).toEqual({ unit, unitFile, predicted: true });
  });

  it('every path is absolute and the unit state reads below it (paths), the unit file only itself (statOf)', () => {
    expect(facts.unit.paths).toEqual(UNIT_STATE_PATHS);
    expect(facts.unit.statOf).toBeUndefined();
    expect(UNIT_STATE_PATHS.every((p) => p.startsWith('/'))).toBe(true);
    expect(facts.unitFile.statOf).toEqual(['/etc/systemd/system/etcd.service']);
    expect(facts.predicted.statOf).toEqual([]);
    // the same probe as before: `systemctl show` of the unit
    expect(facts.unit.script).toContain('systemctl show etcd.service -p LoadState');
  });

  it('a systemd change itself is not described by paths (it predicts units): the runner clears every fact', () => {
    const f = {
      unit: { ...unitState, active: 'inactive', enabled: 'disabled' },
      unitFile: { state: { exists: true }, predicted: false },
      predicted: null,
    };
    const plan = planSystemd(f as never, systemdArgs.parse({ name: 'etcd', state: 'started', enabled: true }), { host: 'h' });
    expect(plan.changed).toBe(true);
    expect(plan.predict?.units?.['etcd.service']).toBeDefined();
    expect(plan.predict?.paths).toBeUndefined();
    const c = cached();
    c.clear();
    expect(kept(c)).toEqual({ unit: false, unitFile: false, predicted: false });
  });
});

describe("the unit file fact joins the probe's shared stat", () => {
  it('says the one path it stats, and answers through a batched probe as its own script does', async () => {
    const { probe } = await import('@tsplay/core/module');
    const { LocalConnection } = await import('@tsplay/core/transport');
    const { pathFact } = await import('../kit/index.js');
    const { spawnSync } = await import('node:child_process');
    const { unitFileFact } = await import('./facts.js');
    expect(facts.unitFile.statPath).toBe('/etc/systemd/system/etcd.service');
    // a directory there on any systemd host, and a unit file no host has
    const there = unitFileFact('multi-user.target.wants');
    const none = unitFileFact('tsplay-no-such-unit.service');
    const scripts: string[] = [];
    const conn = new LocalConnection('ws');
    const exec = conn.exec.bind(conn);
    conn.exec = (cmd, opts) => (scripts.push(cmd), exec(cmd, opts));
    const [a, b] = await probe(conn, [there, none, pathFact('/etc')], false);
    await conn.close();
    const own = (f: typeof there) => spawnSync('/bin/sh', ['-c', f.script], { encoding: 'utf8' }).stdout;
    expect([a?.stdout, b?.stdout]).toEqual([own(there), own(none)]);
    expect(there.parse(a as never).state).toMatchObject({ exists: true, type: 'dir' });
    // one stat for the three paths; neither unit fact has a frame (a subshell) of its own
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).not.toContain(there.script);
    expect(scripts[0]).toContain("stat -c '%F|%a|%U|%G|%s|%n' -- /etc/systemd/system/multi-user.target.wants");
  });
});

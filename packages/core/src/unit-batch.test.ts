import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchScript, splitBatch } from './batch.js';
import { commandFact, parseUnitShow, unitFact, type FactQuery } from './facts.js';
import { unitShowRead } from './unit-batch.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-unit-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in for systemctl (the parts of the batch are under test here, not systemd: the lab's e2e runs the real one):
// it logs its arguments and prints `P=<unit>:P` for each property asked; with OLD set it refuses --timestamp=unix
// as systemd before 248 does.
const calls = join(dir, 'calls');
writeFileSync(
  join(dir, 'systemctl'),
  `#!/bin/sh
printf '%s\\n' "$*" >> '${calls}'
case " $* " in *" --timestamp=unix "*) if [ -n "$OLD" ]; then echo "unrecognized option '--timestamp=unix'" >&2; exit 1; fi;; esac
unit=$2; props=$4
IFS=,; for p in $props; do printf '%s=%s:%s\\n' "$p" "$unit" "$p"; done
`,
);
chmodSync(join(dir, 'systemctl'), 0o755);

function run(script: string, env: Record<string, string> = {}): string {
  writeFileSync(calls, '');
  return execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin`, ...env } });
}
const callLines = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean);

const restart = commandFact(
  'restart',
  `${unitShowRead('etcd.service', ['ActiveState', 'ExecMainStartTimestamp'], 'v')}; printf '%s\\n' "$v"`,
  (r) => r.stdout,
  {
    unitShow: { unit: 'etcd.service', props: ['ActiveState', 'ExecMainStartTimestamp'] },
  },
);
const nonce = '__tsplay_unit_test';
const probe = (facts: FactQuery[], env?: Record<string, string>) => splitBatch(run(batchScript(facts, nonce), env), facts, nonce);

describe("a batch shares one unit's systemctl show among its readers", () => {
  it('two readers of a unit: one show for the union of their properties, each reads its own', () => {
    const [unit, r] = probe([unitFact('etcd.service'), restart]);
    expect(callLines()).toEqual([
      'show etcd.service -p ActiveState,ExecMainStartTimestamp,FragmentPath,LoadState,NeedDaemonReload,SubState,UnitFileState --timestamp=unix',
    ]);
    expect(parseUnitShow(unit?.stdout ?? '')).toEqual({
      load: 'etcd.service:LoadState',
      active: 'etcd.service:ActiveState',
      sub: 'etcd.service:SubState',
      enabled: 'etcd.service:UnitFileState',
      fragmentPath: 'etcd.service:FragmentPath',
      needDaemonReload: false,
    });
    expect(r?.stdout).toContain('ExecMainStartTimestamp=etcd.service:ExecMainStartTimestamp\n');
    expect([unit?.code, r?.code]).toEqual([0, 0]);
  });

  it('systemd before 248: the shared show falls back to its own timestamps, still once', () => {
    const [, r] = probe([unitFact('etcd.service'), restart], { OLD: '1' });
    expect(callLines()).toHaveLength(2);
    expect(callLines()[1]).not.toContain('--timestamp');
    expect(r?.stdout).toContain('ActiveState=etcd.service:ActiveState\n');
  });

  it('a single reader, or readers of different units: each its own show, with only its properties', () => {
    probe([unitFact('etcd.service'), unitFact('ssh.service')]);
    expect(callLines()).toEqual([
      'show etcd.service -p LoadState,ActiveState,SubState,UnitFileState,FragmentPath,NeedDaemonReload --timestamp=unix',
      'show ssh.service -p LoadState,ActiveState,SubState,UnitFileState,FragmentPath,NeedDaemonReload --timestamp=unix',
    ]);
  });

  it('outside a batch the script runs its own show and prints what systemctl prints', () => {
    expect(run(unitFact('etcd.service').script)).toBe(
      ['LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'FragmentPath', 'NeedDaemonReload']
        .map((p) => `${p}=etcd.service:${p}\n`)
        .join(''),
    );
    expect(callLines()).toHaveLength(1);
  });

  it('a unit name is quoted; a property that is not a name is refused', () => {
    expect(unitShowRead("we'ird unit", ['ActiveState'], 'v')).toContain(`systemctl show 'we'\\''ird unit' -p ActiveState`);
    expect(() => unitShowRead('x.service', ['ActiveState;reboot'], 'v')).toThrow(/not a property name/);
  });
});

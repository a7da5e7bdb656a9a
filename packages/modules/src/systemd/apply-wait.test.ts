import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTsplayError, type Connection } from '@tsplay/core';
import type { ApplyContext, ExecResult, Plan } from '../kit/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { applySystemd } from './apply.js';
import { systemdStep } from './step.js';
import { systemdArgs, type SystemdArgsInput } from './args.js';
import type { SystemdAction, SystemdPlanData } from './plan.js';

/**
 * applySystemd against /bin/sh with a stub `systemctl` (and `journalctl`) on PATH: it logs every call and
 * answers `show` with a job for the unit (`Job=7`) while `jobs` (a counter file) is above 0, and with `state`.
 */
const dir = mkdtempSync(join(tmpdir(), 'tsplay-systemd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'systemctl'),
  `#!/bin/sh
d=$(dirname "$0"); echo "$*" >> "$d/calls"
[ -e "$d/fail-$1" ] && { echo "Job for $2 failed: no such thing" >&2; exit 5; }
case "$1" in
  show) n=$(cat "$d/jobs"); if [ "$n" -gt 0 ]; then echo "$((n-1))" > "$d/jobs"; echo Job=7; else echo Job=; fi; cat "$d/state" ;;
esac
exit 0
`,
);
writeFileSync(join(dir, 'journalctl'), '#!/bin/sh\necho "etcd[1]: the last words"\n');
chmodSync(join(dir, 'systemctl'), 0o755);
chmodSync(join(dir, 'journalctl'), 0o755);

function host(opts: { jobs: number; state: string; fail?: string }) {
  writeFileSync(join(dir, 'calls'), '');
  writeFileSync(join(dir, 'jobs'), String(opts.jobs));
  writeFileSync(join(dir, 'state'), opts.state);
  for (const a of ['start', 'stop']) rmSync(join(dir, `fail-${a}`), { force: true });
  if (opts.fail) writeFileSync(join(dir, `fail-${opts.fail}`), '');
  const execs: string[] = [];
  const exec = (script: string): Promise<ExecResult> =>
    new Promise((resolve) => {
      execs.push(script);
      const child = spawn('sh', ['-c', script], { env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
  const abort = new AbortController();
  const ctx = {
    conn: { host: 'h', exec } as unknown as Connection,
    host: 'h',
    task: 'start etcd',
    become: false,
    check: false,
    log: () => {},
    signal: abort.signal,
  };
  const calls = () => readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
  return { ctx: ctx as unknown as ApplyContext, execs, calls, abort };
}

const plan = (actions: SystemdAction[]): Plan<SystemdPlanData> => ({
  changed: true,
  summary: '',
  data: {
    unit: 'etcd.service',
    actions,
    before: { load: 'not-found', enabled: '(none)', active: 'inactive' },
    after: { load: 'loaded', enabled: 'enabled', active: 'active' },
  },
});
const args = (a: Partial<SystemdArgsInput> = {}) => systemdArgs.parse({ name: 'etcd', pollIntervalMs: 50, ...a });
const ACTIVE = 'ActiveState=active\nSubState=running\nResult=success\nType=notify\n';

describe('the start and the first chunk of its wait in one exec', () => {
  it('a unit that settles within the first chunk: one exec, the actions before the polls', async () => {
    const h = host({ jobs: 2, state: ACTIVE });
    const r = await applySystemd(h.ctx, args(), plan(['enable', 'start']));
    expect(r.data).toMatchObject({ active: 'active', actions: ['enable', 'start'] });
    expect(h.execs).toHaveLength(1);
    expect(h.calls()).toEqual([
      'enable --no-reload etcd.service',
      'start --no-block etcd.service',
      'daemon-reload',
      'show -p Job -p ActiveState -p SubState -p Result -p Type etcd.service',
      'show -p Job -p ActiveState -p SubState -p Result -p Type etcd.service',
      'show -p Job -p ActiveState -p SubState -p Result -p Type etcd.service',
    ]);
  });

  it('a unit still starting after the first chunk: follow-up poll execs until it settles', async () => {
    // the grace bounds the first chunk (150 ms: 3 polls); a simple unit is not judged by it
    const h = host({ jobs: 5, state: ACTIVE.replace('notify', 'simple') });
    const r = await applySystemd(h.ctx, args({ notifyGraceMs: 150 }), plan(['start']));
    expect(r.data?.active).toBe('active');
    expect(h.execs).toHaveLength(2);
    expect(h.execs[1]).not.toContain('start --no-block');
    expect(h.calls().filter((c) => c.startsWith('show -p Job'))).toHaveLength(6);
  });

  it('is interruptible between chunks', async () => {
    const h = host({ jobs: 100, state: ACTIVE });
    h.abort.abort();
    const e = await applySystemd(h.ctx, args({ notifyGraceMs: 150 }), plan(['start'])).catch((x: unknown) => x);
    expect(isTsplayError(e) && e.code).toBe('INTERRUPTED');
    expect(h.execs).toHaveLength(1);
  });

  it('a failed start: no poll, SERVICE_FAILED with its stderr and the journal tail', async () => {
    const h = host({ jobs: 0, state: ACTIVE, fail: 'start' });
    const e = await applySystemd(h.ctx, args(), plan(['enable', 'start'])).catch((x: unknown) => x);
    expect(isTsplayError(e) && e.code).toBe('SERVICE_FAILED');
    expect((e as Error).message).toContain('Job for --no-block failed: no such thing');
    expect((e as Error).message).toContain('the last words');
    expect(h.calls()).toEqual(['enable --no-reload etcd.service', 'start --no-block etcd.service']);
  });

  it('a unit that failed once started: SERVICE_FAILED with the journal tail, from the one exec', async () => {
    const h = host({ jobs: 0, state: 'ActiveState=failed\nSubState=failed\nResult=exit-code\nType=notify\n' });
    const e = await applySystemd(h.ctx, args(), plan(['start'])).catch((x: unknown) => x);
    expect(isTsplayError(e) && e.code).toBe('SERVICE_FAILED');
    expect((e as Error).message).toMatch(/did not become active: it failed \(result: exit-code\)[\s\S]*the last words/);
    expect(h.execs).toHaveLength(2); // the start with its poll, then journalctl
  });

  it('without noBlock, or without a start, no poll at all', async () => {
    const h = host({ jobs: 3, state: ACTIVE });
    await applySystemd(h.ctx, args({ noBlock: false }), plan(['enable', 'start']));
    expect(h.calls()).toEqual(['enable --no-reload etcd.service', 'start etcd.service', 'daemon-reload']);
    const h2 = host({ jobs: 3, state: ACTIVE });
    await applySystemd(h2.ctx, args(), plan(['stop']));
    expect(h2.calls()).toEqual(['stop etcd.service']);
    expect(h2.execs).toHaveLength(1);
  });
});

describe('a plan that does not wait: the step, alone or in a group', () => {
  it('is the apply: one exec, the actions in order', async () => {
    const h = host({ jobs: 3, state: ACTIVE });
    const r = await applySystemd(h.ctx, args(), plan(['disable', 'stop']));
    expect(r).toMatchObject({ changed: true, data: { actions: ['disable', 'stop'] } });
    expect(h.execs).toHaveLength(1);
    expect(h.calls()).toEqual(['disable --no-reload etcd.service', 'stop etcd.service', 'daemon-reload']);
  });

  it('a failed action: SERVICE_FAILED with its stderr and the journal tail, from the same exec', async () => {
    const h = host({ jobs: 0, state: ACTIVE, fail: 'stop' });
    const e = await applySystemd(h.ctx, args(), plan(['disable', 'stop'])).catch((x: unknown) => x);
    expect(isTsplayError(e) && e.code).toBe('SERVICE_FAILED');
    expect((e as Error).message).toMatch(/disable, stop etcd.service failed: Job for etcd.service failed[\s\S]*the last words/);
    expect(h.execs).toHaveLength(1);
    expect(h.calls()).toEqual(['disable --no-reload etcd.service', 'stop etcd.service']);
  });

  it('none for a start that waits (its wait needs execs of its own); one for a blocking start', () => {
    const where = { host: 'h', task: 't' };
    expect(systemdStep(where, args(), plan(['enable', 'start']))).toBeUndefined();
    expect(systemdStep(where, args(), plan(['restart']))).toBeUndefined();
    expect(systemdStep(where, args({ noBlock: false }), plan(['start']))?.script).toContain('systemctl start etcd.service ||');
    expect(systemdStep(where, args(), plan(['reload']))?.script).toMatch(/^systemctl reload etcd.service \|\| /);
  });
});

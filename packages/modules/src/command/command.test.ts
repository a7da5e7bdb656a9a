import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { describe, expect, it } from 'vitest';
import { command, type CommandResult } from './index.js';

const conn = new LocalConnection('local');
const dir = mkdtempSync(join(tmpdir(), 'tsplay-cmd-'));

describe('command module', () => {
  it('argv form quotes each argument; a real run reports changed', async () => {
    const ex = await executeModule(conn, command, { argv: ['printf', '%s|', "it's", '$(x)'] });
    expect(ex.outcome).toMatchObject({ status: 'changed', data: { code: 0, stdout: "it's|$(x)|" } });
  });

  it('shell form with env and chdir', async () => {
    const ex = await executeModule(conn, command, { cmd: 'echo "$GREETING from $(pwd)"', env: { GREETING: 'hi there' }, chdir: dir });
    expect((ex.outcome.data as { stdout: string }).stdout).toBe(`hi there from ${dir}\n`);
  });

  it('creates skips when the path exists, removes skips when it does not', async () => {
    const marker = join(dir, 'made');
    const args = { cmd: `echo x >> ${marker}`, creates: marker };
    expect((await executeModule(conn, command, args)).outcome.status).toBe('changed');
    expect((await executeModule(conn, command, args)).outcome).toMatchObject({ status: 'skipped', msg: `${marker} exists` });
    expect(readFileSync(marker, 'utf8')).toBe('x\n');
    expect((await executeModule(conn, command, { cmd: 'true', removes: join(dir, 'nothing') })).outcome.status).toBe('skipped');
  });

  it('check mode: readOnly probes run, other commands only report "would run"', async () => {
    const marker = join(dir, 'check');
    const ex = await executeModule(conn, command, { cmd: `touch ${marker}` }, { check: true });
    expect(ex.outcome).toMatchObject({ status: 'changed', summary: `would run: touch ${marker}` });
    expect(existsSync(marker)).toBe(false);
    const probe = await executeModule(conn, command, { argv: ['echo', 'probe'], readOnly: true }, { check: true });
    expect(probe.outcome).toMatchObject({ status: 'ok', changed: false, data: { stdout: 'probe\n' } });
  });

  it('failedWhen and changedWhen are typed predicates over the result', async () => {
    const ok = await executeModule(conn, command, {
      cmd: 'echo nothing to do; exit 1',
      failedWhen: (r: CommandResult) => r.code > 1,
      changedWhen: (r: CommandResult) => !r.stdout.includes('nothing'),
    });
    expect(ok.outcome).toMatchObject({ status: 'ok', changed: false });
    const bad = await executeModule(conn, command, { cmd: 'echo boom >&2; exit 4' });
    expect(bad.outcome.status).toBe('failed');
    expect(bad.error).toMatchObject({ code: 'TASK_FAILED' });
    expect(bad.error?.message).toMatch(/exit 4.*\n.*boom/s);
  });

  it('retries with delay until the condition holds', async () => {
    const counter = join(dir, 'count');
    writeFileSync(counter, '');
    const ex = await executeModule(conn, command, {
      cmd: `echo . >> ${counter}; wc -l < ${counter}`,
      readOnly: true,
      until: (r: CommandResult) => Number(r.stdout.trim()) >= 3,
      retries: 5,
      delayMs: 10,
    });
    expect(ex.outcome.status).toBe('ok');
    expect(readFileSync(counter, 'utf8')).toBe('.\n.\n.\n');
    const never = await executeModule(conn, command, { cmd: 'true', until: () => false, retries: 2, delayMs: 1 });
    expect(never.outcome.status).toBe('failed');
    expect(never.error?.message).toMatch(/until condition not met/);
  });

  it('a timeout kills the command and fails the task', async () => {
    const ex = await executeModule(conn, command, { cmd: 'sleep 5', timeoutMs: 200 });
    expect(ex.outcome.status).toBe('failed');
    expect(ex.error).toMatchObject({ code: 'COMMAND_TIMEOUT', field: 'timeoutMs' });
    expect(ex.error?.message).toMatch(/timed out after 200 ms/);
  });

  it.each([
    [{}, 'argv'],
    [{ argv: [] }, 'argv'],
    [{ cmd: 'x', argv: ['y'] }, 'argv'],
    [{ cmd: 'x', retries: -1 }, 'retries'],
    [{ cmd: 'x', env: { 'BAD-NAME': 'v' } }, 'env.BAD-NAME'],
    [{ cmd: 'x', until: 'yes' }, 'until'],
    [{ cmd: 'x', bogus: 1 }, ''],
  ])('bad args %j -> ARGS_INVALID naming %s', async (args, field) => {
    const ex = await executeModule(conn, command, args);
    expect(ex.error?.code).toBe('ARGS_INVALID');
    if (field) expect(ex.error?.field).toBe(field);
  });
});

describe('command reads (probes in check mode)', () => {
  it('a probe that reads a path an earlier task would change is unknown, not run against the old state', async () => {
    const { Overlay } = await import('@tsplay/core/module');
    const { copy } = await import('../copy/index.js');
    const c = new LocalConnection('local');
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-reads-'));
    const conf = join(dir, 'app.conf');
    const overlay = new Overlay();
    await executeModule(c, copy, { dest: conf, content: 'x=1\n' }, { check: true, overlay });
    const probe = { argv: ['cat', conf], readOnly: true, reads: [conf] };
    expect((await executeModule(c, command, probe, { check: true, overlay })).outcome.status).toBe('unknown');
    expect(
      (await executeModule(c, command, { ...probe, reads: [join(dir, 'other')] }, { check: true, overlay: new Overlay() })).outcome.status,
    ).toBe('failed');
    expect(existsSync(conf)).toBe(false);
  });
});

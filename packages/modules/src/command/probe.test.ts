import type { Connection } from '@tsplay/core';
import { FactCache, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from './index.js';
import { commandFacts } from './facts.js';
import { planCommand } from './plan.js';
import { commandArgs } from './args.js';

/** A local connection that counts its execs (each is one round trip on a real host). */
function counting(): { conn: Connection; execs: string[] } {
  const execs: string[] = [];
  const inner = new LocalConnection('local');
  const conn = new Proxy(inner, {
    get(t, p, r) {
      if (p === 'exec') return (cmd: string, o?: Parameters<Connection['exec']>[1]) => (execs.push(cmd), t.exec(cmd, o));
      const v = Reflect.get(t, p, r) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return { conn, execs };
}

const ctx = { become: false as const, timeoutMs: undefined };
const parse = (a: unknown) => commandArgs.parse(a);

describe('a readOnly command runs as a batched fact', () => {
  it('a probe that succeeds is answered by its fact: one exec, the result registered, no apply', async () => {
    const { conn, execs } = counting();
    const ex = await executeModule(conn, command, { argv: ['printf', '%s', 'a b'], readOnly: true, env: { X: '1' } });
    expect(ex.outcome).toMatchObject({ status: 'ok', changed: false, data: { code: 0, stdout: 'a b', stderr: '' }, stdout: 'a b' });
    expect(execs).toHaveLength(1);
    expect(execs[0]).toContain('__tsplay_'); // the batched fact script, not a bare exec of the command
  });

  it('a probe that fails runs again in apply and fails there, with the exit code and stderr', async () => {
    const { conn, execs } = counting();
    const ex = await executeModule(conn, command, { cmd: 'echo nope >&2; exit 3', readOnly: true });
    expect(ex.outcome.status).toBe('failed');
    expect(ex.error?.message).toMatch(/exit 3.*nope/s);
    expect(execs).toHaveLength(2);
  });

  it('the fact gives the same cwd and env as a direct exec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    const { conn } = counting();
    const ex = await executeModule(conn, command, { cmd: 'echo "$V $(pwd)"', readOnly: true, chdir: dir, env: { V: "it's" } });
    expect(ex.outcome.data).toMatchObject({ stdout: `it's ${dir}\n` });
  });

  it('until: the fact is the first try; apply keeps trying', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    const n = join(dir, 'n');
    writeFileSync(n, '');
    const ex = await executeModule(new LocalConnection('l'), command, {
      cmd: `echo . >> ${n}; wc -l < ${n}`,
      readOnly: true,
      until: (r: { stdout: string }) => Number(r.stdout.trim()) >= 2,
      retries: 3,
      delayMs: 1,
    });
    expect(ex.outcome.status).toBe('ok');
    expect(readFileSync(n, 'utf8')).toBe('.\n.\n');
  });

  it('no fact with stdin or a time limit (a batched fact has neither), nor for a command that is not a probe', () => {
    expect(Object.keys(commandFacts(parse({ cmd: 'cat', readOnly: true, stdin: 'x' }), ctx))).toEqual([]);
    expect(Object.keys(commandFacts(parse({ cmd: 'true', readOnly: true, timeoutMs: 5 }), ctx))).toEqual([]);
    expect(Object.keys(commandFacts(parse({ cmd: 'true', readOnly: true }), { become: false, timeoutMs: 5 }))).toEqual([]);
    expect(Object.keys(commandFacts(parse({ cmd: 'true' }), ctx))).toEqual([]);
    expect(Object.keys(commandFacts(parse({ cmd: 'true', readOnly: true }), ctx))).toEqual(['run']);
  });

  it('the fact key names the become level', () => {
    const a = parse({ cmd: 'id -u', readOnly: true });
    expect(commandFacts(a, { become: true, timeoutMs: undefined }).run?.key).not.toBe(commandFacts(a, ctx).run?.key);
  });

  it.each([
    ['exit 0', { code: 0, stdout: 'x', stderr: '' }, {}, false],
    ['exit 1', { code: 1, stdout: '', stderr: 'e' }, {}, true],
    ['failedWhen says fine', { code: 1, stdout: '', stderr: '' }, { failedWhen: () => false }, false],
    ['until not yet', { code: 0, stdout: '1', stderr: '' }, { until: (r: { stdout: string }) => r.stdout === '2' }, true],
    ['changedWhen true', { code: 0, stdout: '', stderr: '' }, { changedWhen: () => true }, true],
  ])('plan: %s -> apply needed: %s', (_n, run, extra, needsApply) => {
    const plan = planCommand({ run }, parse({ cmd: 'x', readOnly: true, ...extra }));
    expect(plan.run === true).toBe(needsApply);
    expect(plan.changed).toBe(false);
    if (!needsApply) expect(plan.data).toEqual(run);
  });
});

describe('the fact cache after an apply', () => {
  it('a command that reports no change still clears the host cache (it may have changed what facts read)', async () => {
    const cache = new FactCache();
    cache.values.set('path::/x', { exists: false });
    await executeModule(new LocalConnection('l'), command, { cmd: 'true', changedWhen: () => false }, { cache });
    expect(cache.values.size).toBe(0);
  });

  it('a probe answered by its fact leaves the cache (with its own answer in it)', async () => {
    const cache = new FactCache();
    cache.values.set('path::/x', { exists: false });
    await executeModule(new LocalConnection('l'), command, { cmd: 'echo hi', readOnly: true }, { cache });
    expect(cache.values.get('path::/x')).toEqual({ exists: false });
    expect(cache.values.size).toBe(2);
  });
});

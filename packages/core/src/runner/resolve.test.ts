import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { TsplayError } from '../errors.js';
import { pathFact } from '../facts.js';
import { resolveInventory } from '../inventory/resolve.js';
import { LocalConnection } from '../local.js';
import { defineModule } from '../module.js';
import { definePlaybook, task, type Play } from '../playbook.js';
import { quote } from '../sh.js';
import type { RunEvent } from './events.js';
import { sameValue } from './resolve.js';
import { runPlaybook, type RunOptions } from './run.js';

/** Every successful parse of this module's args, by the path it names (the spy schema). */
const parses: string[] = [];
const spyArgs = z.strictObject({ path: z.string(), text: z.string() }).transform((a) => (parses.push(a.path), a));

/** Appends a line to a file; its schema records each parse. */
const append = defineModule({
  name: 'append',
  args: spyArgs,
  facts: (a) => ({ st: pathFact(a.path) }),
  plan: (_f, a) => ({
    changed: true,
    summary: `would append to ${a.path}`,
    predict: { paths: { [a.path]: { exists: true, type: 'file' } } },
  }),
  apply: async (ctx, a) => {
    const r = await ctx.conn.exec(`printf '%s\\n' ${quote(a.text)} >> ${quote(a.path)}`);
    return r.code === 0 ? { changed: true, data: { host: ctx.host } } : { failed: true, msg: `exit ${r.code}` };
  },
});

/** Reads a file in check mode too (a probe), like a readOnly command. */
const read = defineModule({
  name: 'read',
  args: z.strictObject({ path: z.string() }),
  facts: () => ({}),
  plan: () => ({ changed: false, run: true }),
  readOnly: () => true,
  reads: (a) => [a.path],
  apply: async (ctx, a) => ({ changed: false, data: (await ctx.conn.exec(`cat ${quote(a.path)}`)).stdout }),
});

/** Needs its path to exist (like `file` with `state: file`): plans a failure on a missing path. */
const need = defineModule({
  name: 'need',
  args: z.strictObject({ path: z.string() }),
  facts: (a) => ({ st: pathFact(a.path) }),
  plan: (f, a) => {
    if (!f.st.exists) throw new TsplayError('TASK_FAILED', `${a.path} does not exist`);
    return { changed: false, summary: `${a.path} is there` };
  },
});

const inv = (n: number) =>
  resolveInventory(
    { defaults: { connection: 'local' }, hosts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}`, {}])) },
    '/x/hosts.yaml',
  );

async function run(plays: Play[], extra: Partial<RunOptions> = {}, hosts = 3) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: definePlaybook({ name: 'resolve', plays }),
    inventory: inv(hosts),
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => events.push(e),
    ...extra,
  });
  const results = events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result');
  return { summary, events, results };
}

const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

describe('a task is resolved once per host', () => {
  it('args are parsed once per host and task: static, dynamic (the prefetch guess is reused), runOnce and loop items', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-resolve-'));
    const p = (name: string, host: string) => join(dir, `${name}-${host}`);
    const a = task(append, (c) => ({ path: p('a', c.host.name), text: 'a' }), { name: 'a' });
    // dynamic: reads a's result; its args come out the same as the prefetch guessed them
    const b = task(append, (c) => ({ path: p('b', c.host.name), text: c.result(a)?.status === 'failed' ? 'a failed' : 'b' }), {
      name: 'b',
    });
    const once = task(append, (c) => ({ path: p('once', c.host.name), text: 'once' }), { name: 'once', runOnce: true });
    const loop = task(append, (c) => ({ path: p(`l${String(c.item)}`, c.host.name), text: 'l' }), { name: 'loop', loop: ['1', '2'] });
    parses.length = 0;
    const { summary } = await run([{ name: 'p', hosts: 'all', tasks: [a, b, once, loop] }]);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    const want: Record<string, number> = {};
    for (const h of ['h0', 'h1', 'h2']) for (const n of ['a', 'b', 'once', 'l1', 'l2']) want[p(n, h)] = 1;
    expect(count(parses)).toEqual(want);
    expect(readFileSync(p('b', 'h2'), 'utf8')).toBe('b\n');
    expect(['h0', 'h1', 'h2'].map((h) => existsSync(p('once', h)))).toEqual([true, false, false]);
  });

  it('a dynamic task whose guess was wrong is parsed again with its real args (and runs with them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-resolve-'));
    const a = task(append, { path: join(dir, 'a'), text: 'a' }, { name: 'a' });
    const b = task(append, (c) => ({ path: join(dir, 'b'), text: c.result(a)?.changed ? 'after a change' : 'guess' }), { name: 'b' });
    parses.length = 0;
    await run([{ name: 'p', hosts: 'h0', tasks: [a, b] }], {}, 1);
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('after a change\n');
    expect(count(parses)[join(dir, 'b')]).toBe(2);
  });

  it('compares raw args structurally, other objects by identity', () => {
    const o = new Date(0);
    expect(sameValue({ a: [1, { b: 'x' }], c: undefined }, { a: [1, { b: 'x' }], c: undefined })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameValue({ d: o }, { d: o })).toBe(true);
    expect(sameValue({ d: new Date(0) }, { d: new Date(0) })).toBe(false);
  });
});

describe('runOnce', () => {
  it('every host of the batch gets the task.result event (runOnce, delegatedTo the host that ran it) and a recap count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-resolve-'));
    const once = task(append, { path: join(dir, 'once'), text: 'ran' }, { name: 'once', runOnce: true });
    const { summary, results } = await run([{ name: 'p', hosts: 'all', tasks: [once] }]);
    expect(readFileSync(join(dir, 'once'), 'utf8')).toBe('ran\n');
    expect(results.map((r) => [r.host, r.status, r.runOnce, r.delegatedTo])).toEqual([
      ['h0', 'changed', true, undefined],
      ['h1', 'changed', true, 'h0'],
      ['h2', 'changed', true, 'h0'],
    ]);
    for (const h of ['h0', 'h1', 'h2']) expect(summary.recap[h]).toMatchObject({ changed: 1, ok: 0, failed: 0 });
    expect(summary.resultOf('h2', once)?.changed).toBe(true);
  });
});

describe('check mode: a task that reads what an unknown task would write', () => {
  const plays = (dir: string, parseable: boolean): Play[] => {
    const src = join(dir, 'src');
    const dest = join(dir, 'dest');
    const make = task(append, { path: src, text: 'x' }, { name: 'make' });
    const probe = task(read, { path: src }, { name: 'probe' });
    // its args read the probe's output, which check mode cannot know
    const write = parseable
      ? task(append, (c) => ({ path: dest, text: String(c.result(probe)?.data) }), { name: 'write' })
      : task(append, (c) => ({ path: dest, text: c.result(probe)?.data as string }), { name: 'write' });
    return [{ name: 'p', hosts: 'h0', tasks: [make, probe, write, task(need, { path: dest }, { name: 'need' })] }];
  };
  for (const parseable of [true, false]) {
    it(`is unknown, not failed (the unknown task's args ${parseable ? 'parse' : 'do not parse'}); the real run succeeds`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tsplay-resolve-'));
      const check = await run(plays(dir, parseable), { check: true }, 1);
      expect(check.results.map((r) => `${r.task}:${r.status}`)).toEqual(['make:changed', 'probe:unknown', 'write:unknown', 'need:unknown']);
      expect(check.summary.recap.h0).toMatchObject({ failed: 0, unknown: 3 });
      expect(check.summary.outcome).toMatch(/^(ok|changed)$/);
      expect(existsSync(join(dir, 'dest'))).toBe(false);
      const real = await run(plays(dir, parseable), {}, 1);
      expect(real.results.map((r) => `${r.task}:${r.status}`)).toEqual(['make:changed', 'probe:ok', 'write:changed', 'need:ok']);
      expect(readFileSync(join(dir, 'dest'), 'utf8')).toBe('x\n\n');
    });
  }
});

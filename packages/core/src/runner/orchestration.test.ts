import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { commandFact, pathFact } from '../facts.js';
import { resolveInventory } from '../inventory/resolve.js';
import { LocalConnection } from '../local.js';
import { defineModule } from '../module.js';
import { definePlaybook, task, type Play } from '../playbook.js';
import { quote } from '../sh.js';
import type { RunEvent } from './events.js';
import { runPlaybook, type RunOptions } from './run.js';

/** Appends a line to a file (a change every time), or fails; plans from a path fact. */
const append = defineModule({
  name: 'append',
  args: z.strictObject({ path: z.string(), text: z.string(), fail: z.boolean().default(false) }),
  facts: (a) => ({ st: pathFact(a.path) }),
  plan: (_f, a) => ({
    changed: true,
    summary: `would append to ${a.path}`,
    predict: { paths: { [a.path]: { exists: true, type: 'file' } } },
  }),
  apply: async (ctx, a) => {
    const r = await ctx.conn.exec(a.fail ? 'exit 3' : `printf '%s\\n' ${quote(a.text)} >> ${quote(a.path)}`);
    return r.code === 0 ? { changed: true, data: { host: ctx.host } } : { failed: true, msg: `exit ${r.code}` };
  },
});

/** Makes a file exist (idempotent), like a tiny `copy`. */
const ensure = defineModule({
  name: 'ensure',
  args: z.strictObject({ path: z.string() }),
  facts: (a) => ({ st: pathFact(a.path), body: commandFact(`b:${a.path}`, `cat ${quote(a.path)} 2>/dev/null || true`, (r) => r.stdout) }),
  plan: (f, a) => ({
    changed: !f.st.exists,
    summary: `would create ${a.path}`,
    predict: { paths: { [a.path]: { exists: true, type: 'file', size: 0 } } },
  }),
  apply: async (ctx, a) => ((await ctx.conn.exec(`: > ${quote(a.path)}`)).code === 0 ? { changed: true } : { failed: true, msg: 'no' }),
});

const inv = (n: number) =>
  resolveInventory(
    { defaults: { connection: 'local' }, hosts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}`, {}])) },
    '/x/hosts.yaml',
  );

async function run(plays: Play[], extra: Partial<RunOptions> = {}, hosts = 4) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: definePlaybook({ name: 'orch', plays }),
    inventory: inv(hosts),
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => events.push(e),
    ...extra,
  });
  const results = events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result');
  return { summary, events, results };
}

describe('orchestration (local connections; the lab e2e proves it on hosts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-orch-'));
  const lines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n') : []);

  it('serial: each batch runs the whole play before the next batch starts', async () => {
    const log = join(dir, 'serial.log');
    const play: Play = {
      name: 'p',
      hosts: 'all',
      serial: 2,
      tasks: [
        task(append, (c) => ({ path: log, text: `a:${c.host.name}` }), { name: 'a' }),
        task(append, (c) => ({ path: log, text: `b:${c.host.name}` }), { name: 'b' }),
      ],
    };
    const { summary, events } = await run([play]);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    const order = lines(log).map((l) => `${l.slice(0, 1)}${l.slice(-1)}`);
    // batch 1 (h0,h1) does a and b before batch 2 (h2,h3) starts
    expect(new Set(order.slice(0, 4))).toEqual(new Set(['a0', 'a1', 'b0', 'b1']));
    expect(new Set(order.slice(4))).toEqual(new Set(['a2', 'a3', 'b2', 'b3']));
    expect(events.filter((e) => e.type === 'play.start').map((e) => (e as { batch?: number }).batch)).toEqual([1, 2]);
  });

  it('maxFailPercentage: 0 stops the later batches after a failure in batch 1', async () => {
    const marks = join(dir, 'mfp');
    const play: Play = {
      name: 'p',
      hosts: 'all',
      serial: 2,
      maxFailPercentage: 0,
      tasks: [task(append, (c) => ({ path: `${marks}-${c.host.name}`, text: 'x', fail: c.host.name === 'h1' }))],
    };
    const { summary } = await run([play]);
    expect(summary.outcome).toBe('failed');
    expect(['h0', 'h1', 'h2', 'h3'].map((h) => existsSync(`${marks}-${h}`))).toEqual([true, false, false, false]);
  });

  it('runOnce: one host runs it, every host of the batch registers the result', async () => {
    const counter = join(dir, 'once');
    const once = task(append, { path: counter, text: 'ran' }, { name: 'once', runOnce: true });
    const seen = join(dir, 'seen');
    const after = task(
      append,
      (c) => ({ path: seen, text: `${c.host.name}:${String((c.result(once)?.data as { host?: string } | undefined)?.host)}` }),
      { name: 'after' },
    );
    const { summary } = await run([{ name: 'p', hosts: 'all', tasks: [once, after] }]);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    expect(lines(counter)).toEqual(['ran']);
    expect(lines(seen).sort()).toEqual(['h0:h0', 'h1:h0', 'h2:h0', 'h3:h0']);
  });

  it("delegateTo: the task runs over the delegate, with the current host vars; the result is the current host's", async () => {
    const out = join(dir, 'deleg');
    const t = task(append, (c) => ({ path: out, text: c.host.name }), { name: 'deleg', delegateTo: 'localhost' });
    const { results, summary } = await run([{ name: 'p', hosts: 'h1:h2', tasks: [t] }]);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    expect(results.map((r) => `${r.host}>${r.delegatedTo}`).sort()).toEqual(['h1>localhost', 'h2>localhost']);
    expect(lines(out).sort()).toEqual(['h1', 'h2']);
    expect(summary.resultOf('h1', t)?.data).toEqual({ host: 'localhost' });
  });

  it("ctx.resultOf reads another host's registered result", async () => {
    const probe = task(append, (c) => ({ path: join(dir, `ro-${c.host.name}`), text: c.host.name }), { name: 'probe' });
    const read = join(dir, 'ro-read');
    const use = task(
      append,
      (c) => ({ path: read, text: `${c.host.name} sees ${String((c.resultOf('h0', probe)?.data as { host: string }).host)}` }),
      { name: 'use', when: (c) => c.host.name === 'h1' },
    );
    await run([{ name: 'p', hosts: 'all', tasks: [probe, use] }], {}, 2);
    expect(lines(read)).toEqual(['h1 sees h0']);
  });

  it('loop: one invocation per item, reported with its label, registered as a list', async () => {
    const d = join(dir, 'loop');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(d);
    const t = task(ensure, (c) => ({ path: join(d, `${c.host.name}-${String(c.item)}`) }), { name: 'files', loop: ['a', 'b', 'c'] });
    const use = task(append, (c) => ({ path: join(d, 'count'), text: String((c.result(t)?.data as unknown as unknown[]).length) }), {
      name: 'count',
      when: (c) => c.host.name === 'h0',
    });
    const check = await run([{ name: 'p', hosts: 'h0', tasks: [t] }], { check: true }, 1);
    expect(check.results.map((r) => `${r.item}:${r.status}`)).toEqual(['a:changed', 'b:changed', 'c:changed']);
    expect(readdirSync(d)).toEqual([]);
    const real = await run([{ name: 'p', hosts: 'h0', tasks: [t, use] }], {}, 1);
    expect(real.summary.recap.h0).toMatchObject({ changed: 2 });
    expect(readdirSync(d).sort()).toEqual(['count', 'h0-a', 'h0-b', 'h0-c']);
    expect(lines(join(d, 'count'))).toEqual(['3']);
  });

  it('check mode: a task whose args read an unknown result is unknown too, and exits 0', async () => {
    const target = join(dir, 'unk', 'made');
    const make = task(append, { path: target, text: 'x', fail: false }, { name: 'make' });
    const { command } = {
      command: defineModule({
        name: 'probe',
        args: z.strictObject({ path: z.string() }),
        facts: () => ({}),
        plan: () => ({ changed: false, run: true }),
        readOnly: () => true,
        reads: (a) => [a.path],
        apply: async () => ({ changed: false, data: 'read' }),
      }),
    };
    const read = task(command, { path: target }, { name: 'read' });
    const use = task(append, (c) => ({ path: join(dir, 'unk-use'), text: String(c.result(read)?.data) }), { name: 'use' });
    const { results, summary } = await run([{ name: 'p', hosts: 'h0', tasks: [make, read, use] }], { check: true }, 1);
    expect(results.map((r) => `${r.task}:${r.status}`)).toEqual(['make:changed', 'read:unknown', 'use:unknown']);
    expect(results[1]?.summary).toBe(`depends on p › make, which would change ${target}`);
    expect(results[2]?.summary).toContain('depends on read');
    expect(summary.recap.h0).toMatchObject({ unknown: 2, changed: 1, failed: 0 });
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
  });

  it('--step asks before each task: no skips it, continue stops asking', async () => {
    const f = join(dir, 'step');
    const tasks = ['s1', 's2', 's3'].map((n) => task(append, { path: f, text: n }, { name: n }));
    const asked: string[] = [];
    const answers = ['no', 'continue'] as const;
    await run([{ name: 'p', hosts: 'h0', tasks }], { step: async (t) => (asked.push(t.task), answers[asked.length - 1] ?? 'yes') }, 1);
    expect(asked).toEqual(['s1', 's2']);
    expect(lines(f)).toEqual(['s2', 's3']);
  });
});

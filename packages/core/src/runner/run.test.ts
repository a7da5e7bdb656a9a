import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { commandFact, pathFact } from '../facts.js';
import { resolveInventory } from '../inventory/resolve.js';
import { LocalConnection } from '../local.js';
import { defineModule } from '../module.js';
import { definePlaybook, task } from '../playbook.js';
import { quote } from '../sh.js';
import type { RunEvent } from './events.js';
import { runPlaybook, type RunOptions } from './run.js';

/** A tiny real module: makes sure a file has a content (plans from a path fact, applies with a shell). */
const line = defineModule({
  name: 'line',
  args: z.strictObject({ path: z.string(), text: z.string(), sleepMs: z.number().default(0), fail: z.boolean().default(false) }),
  facts: (a) => ({ cur: commandFact(`cat:${a.path}`, `cat ${quote(a.path)} 2>/dev/null || true`, (r) => r.stdout), st: pathFact(a.path) }),
  plan: (f, a) => ({
    changed: f.cur !== a.text,
    summary: `would write ${a.path}`,
    predict: { paths: { [a.path]: { exists: true, type: 'file' } } },
  }),
  apply: async (ctx, a) => {
    const r = await ctx.conn.exec(`sleep ${a.sleepMs / 1000}; ${a.fail ? 'exit 9' : `printf %s ${quote(a.text)} > ${quote(a.path)}`}`);
    return r.code === 0 ? { changed: true } : { failed: true, msg: `exit ${r.code}` };
  },
});

const inventory = (n: number) =>
  resolveInventory(
    { defaults: { connection: 'local' }, hosts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}`, {}])) },
    '/x/hosts.yaml',
  );

async function run(pb: ReturnType<typeof definePlaybook>, extra: Partial<RunOptions> = {}) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: pb,
    inventory: inventory(3),
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => events.push(e),
    ...extra,
  });
  return { summary, events, results: events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result') };
}

describe('runner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-run-'));

  it('linear: runs a task on all hosts in parallel, then the next task', async () => {
    const pb = definePlaybook({
      name: 'par',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          strategy: 'linear',
          tasks: [
            task(line, (c) => ({ path: join(dir, `par-${c.host.name}`), text: 'x', sleepMs: 1500 })),
            task(line, (c) => ({ path: join(dir, `par2-${c.host.name}`), text: 'y' }), { name: 'second' }),
          ],
        },
      ],
    });
    const { summary, events } = await run(pb);
    expect(summary.outcome).toMatch(/^(ok|changed)$/);
    const order = events
      .filter((e) => e.type === 'task.result' || e.type === 'task.start')
      .map((e) => (e.type === 'task.start' ? `start:${e.task}` : `${e.task}:${(e as { host: string }).host}`));
    // all three hosts finish the first task before the second task starts
    expect(order.indexOf('start:second')).toBeGreaterThan(order.lastIndexOf('line:h2') - 0);
    const first = events.find((e) => e.type === 'task.end' && e.task === 'line') as { durationMs: number };
    expect(first.durationMs).toBeLessThan(3 * 1500); // sequential would take >= 4500 ms; parallel ~1500 ms leaves a wide margin
    expect(summary.recap.h0).toMatchObject({ changed: 2, failed: 0 });
  });

  it('a failing host drops out while the others finish; exit code 2', async () => {
    const pb = definePlaybook({
      name: 'fail',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          tasks: [
            task(line, (c) => ({ path: join(dir, `f-${c.host.name}`), text: 'a', fail: c.host.name === 'h1' })),
            task(line, (c) => ({ path: join(dir, `g-${c.host.name}`), text: 'b' }), { name: 'after' }),
          ],
        },
      ],
    });
    const { summary, results } = await run(pb);
    expect(summary.outcome).toBe('failed');
    expect(
      results
        .filter((r) => r.task === 'after')
        .map((r) => r.host)
        .sort(),
    ).toEqual(['h0', 'h2']);
    expect(summary.recap.h1).toMatchObject({ failed: 1 });
    expect(results.find((r) => r.host === 'h1')?.error?.code).toBe('TASK_FAILED');
  });

  it('check mode plans only, predicts, and changes nothing; its outcome is changed (--detailed-exitcode: 3)', async () => {
    const path = join(dir, 'check-me');
    const pb = definePlaybook({ name: 'chk', plays: [{ name: 'p', hosts: 'h0', tasks: [task(line, { path, text: 'z' })] }] });
    const { summary, results } = await run(pb, { check: true });
    expect(existsSync(path)).toBe(false);
    expect(results[0]).toMatchObject({ status: 'changed', summary: `would write ${path}` });
    expect(summary.outcome).toBe('changed');
    const real = await run(pb);
    expect(readFileSync(path, 'utf8')).toBe('z');
    expect(real.summary.outcome).toBe('changed');
    const again = await run(pb, { check: true });
    expect(again.summary.outcome).toBe('ok');
  });

  it('tags, limit and when select tasks and hosts', async () => {
    const pb = definePlaybook({
      name: 'sel',
      plays: [
        {
          name: 'p',
          hosts: 'all',
          tasks: [
            task(line, (c) => ({ path: join(dir, `t1-${c.host.name}`), text: '1' }), { name: 'tagged', tags: ['one'] }),
            task(line, (c) => ({ path: join(dir, `t2-${c.host.name}`), text: '2' }), { name: 'untagged' }),
            task(line, (c) => ({ path: join(dir, `t3-${c.host.name}`), text: '3' }), {
              name: 'conditional',
              tags: ['one'],
              when: (c) => c.host.name === 'h0',
            }),
          ],
        },
      ],
    });
    const { results } = await run(pb, { tags: ['one'], limit: 'h0:h1' });
    expect(results.map((r) => `${r.task}/${r.host}/${r.status}`).sort()).toEqual([
      'conditional/h0/changed',
      'conditional/h1/skipped',
      'tagged/h0/changed',
      'tagged/h1/changed',
    ]);
    await expect(run(pb, { limit: 'nohost' })).rejects.toMatchObject({ code: 'UNKNOWN_HOST' });
  });

  it('an unreachable host is reported, the others go on; exit code 4', async () => {
    const pb = definePlaybook({
      name: 'unr',
      plays: [{ name: 'p', hosts: 'all', tasks: [task(line, (c) => ({ path: join(dir, `u-${c.host.name}`), text: 'u' }))] }],
    });
    const { summary, events } = await run(pb, {
      connect: async (h) => {
        if (h.name === 'h2') throw Object.assign(new Error('connect ECONNREFUSED'), {});
        return new LocalConnection(h.name);
      },
    });
    expect(summary.outcome).toBe('unreachable');
    expect(summary.recap.h2).toMatchObject({ unreachable: 1, ok: 0, changed: 0 });
    expect(events.find((e) => e.type === 'connect' && !e.ok)).toMatchObject({ host: 'h2', error: { code: 'UNREACHABLE' } });
  });

  it('durable notifications survive a failed run and fire on the next', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tsplay-state-'));
    const marker = join(dir, 'restarted');
    const flag = join(dir, 'fail-flag');
    writeFileSync(flag, '1');
    const build = () => {
      const unit = task(line, { path: join(dir, 'unit'), text: 'v1' }, { name: 'unit' });
      const breaker = task(line, { path: join(dir, 'never'), text: 'n', fail: existsSync(flag) }, { name: 'breaker' });
      const restart = task(line, (c) => ({ path: marker, text: c.notified ? 'restarted' : 'idle' }), {
        name: 'restart',
        notifiedBy: [unit],
      });
      return definePlaybook({ name: 'notify', plays: [{ name: 'p', hosts: 'h0', tasks: [unit, breaker, restart] }] });
    };
    const first = await run(build(), { stateDir });
    expect(first.summary.outcome).toBe('failed');
    expect(existsSync(marker)).toBe(false);
    writeFileSync(flag, '');
    const { rmSync } = await import('node:fs');
    rmSync(flag);
    const second = await run(build(), { stateDir });
    expect(second.summary.outcome).toMatch(/^(ok|changed)$/);
    expect(second.results.find((r) => r.task === 'unit')?.changed).toBe(false);
    expect(readFileSync(marker, 'utf8')).toBe('restarted');
    const third = await run(build(), { stateDir });
    expect(readFileSync(marker, 'utf8')).toBe('idle');
    expect(third.summary.outcome).toMatch(/^(ok|changed)$/);
  });

  it('vars are validated per host before anything runs', async () => {
    const pb = definePlaybook({ name: 'vars', vars: z.object({ port: z.number() }), plays: [{ name: 'p', hosts: 'all', tasks: [] }] });
    await expect(run(pb)).rejects.toMatchObject({ code: 'VARS_INVALID', host: 'h0', field: 'port' });
  });

  it('static args are validated at load with the field path', async () => {
    const pb = definePlaybook({
      name: 'args',
      plays: [{ name: 'p', hosts: 'all', tasks: [task(line, { path: 1, text: 'x' } as never, { name: 'bad' })] }],
    });
    await expect(run(pb)).rejects.toMatchObject({ code: 'ARGS_INVALID', field: 'path', task: 'p › bad' });
  });
});

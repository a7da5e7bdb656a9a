import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { resolveInventory } from '../inventory/resolve.js';
import { LocalConnection } from '../local.js';
import { defineModule } from '../module.js';
import { definePlaybook, task } from '../playbook.js';
import { block } from './block.js';
import type { RunEvent } from './events.js';
import { listRun, runPlaybook } from './run.js';

/** Appends a line to a file (or fails, or in check mode says it cannot predict). */
const step = defineModule({
  name: 'step',
  args: z.strictObject({ path: z.string(), line: z.string(), fail: z.boolean().default(false), unknown: z.boolean().default(false) }),
  facts: () => ({}),
  plan: (_f, a) => (a.unknown ? { changed: true, unknown: 'cannot tell' } : { changed: true, summary: `append ${a.line}` }),
  apply: async (_ctx, a) => {
    if (a.fail) return { failed: true, msg: `step ${a.line} fails` };
    appendFileSync(a.path, `${a.line}\n`);
    return { changed: true };
  },
});

const inventory = (n: number) =>
  resolveInventory(
    { defaults: { connection: 'local' }, hosts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}`, {}])) },
    '/x/hosts.yaml',
  );

async function run(pb: ReturnType<typeof definePlaybook>, check = false, hosts = 1) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: pb,
    inventory: inventory(hosts),
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => events.push(e),
    check,
  });
  return { summary, results: events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result') };
}

const dir = mkdtempSync(join(tmpdir(), 'tsplay-block-'));
const file = (name: string) => {
  const p = join(dir, name);
  writeFileSync(p, '');
  return p;
};
const lines = (p: string) => readFileSync(p, 'utf8').trim().split('\n');

function pbOf(path: string, failIn: 'none' | 'block' | 'rescue', unknown = false) {
  return definePlaybook({
    name: 'b',
    plays: [
      {
        name: 'p',
        hosts: 'all',
        tasks: [
          ...block({
            name: 'upgrade',
            tasks: [
              task(step, { path, line: 'one', unknown }, { name: 'one' }),
              task(step, { path, line: 'two', fail: failIn !== 'none' }, { name: 'two' }),
              task(step, { path, line: 'three' }, { name: 'three' }),
            ],
            rescue: [
              task(step, { path, line: 'undo', fail: failIn === 'rescue' }, { name: 'undo' }),
              task(step, { path, line: 'undo2' }, { name: 'undo2' }),
            ],
            always: [task(step, { path, line: 'clean' }, { name: 'clean' })],
          }),
          task(step, { path, line: 'after' }, { name: 'after' }),
        ],
      },
    ],
  });
}

describe('block/rescue/always', () => {
  it('a failing task runs rescue then always; the host ends ok and counts rescued', async () => {
    const p = file('rescued');
    const { summary, results } = await run(pbOf(p, 'block'));
    expect(lines(p)).toEqual(['one', 'undo', 'undo2', 'clean', 'after']);
    expect(summary.outcome).toBe('changed');
    expect(summary.recap.h0).toMatchObject({ failed: 0, rescued: 1 });
    expect(results.find((r) => r.task === 'two')).toMatchObject({ status: 'failed', block: { name: 'upgrade', part: 'block' } });
    expect(results.find((r) => r.task === 'undo')?.block).toEqual({ name: 'upgrade', part: 'rescue' });
    expect(results.some((r) => r.task === 'three')).toBe(false);
  });

  it('a failing rescue fails the host, and always still runs', async () => {
    const p = file('failed');
    const { summary } = await run(pbOf(p, 'rescue'));
    expect(lines(p)).toEqual(['one', 'clean']);
    expect(summary.outcome).toBe('failed');
    expect(summary.recap.h0).toMatchObject({ failed: 1, rescued: 0 });
  });

  it('no failure: rescue does not run', async () => {
    const p = file('fine');
    const { summary } = await run(pbOf(p, 'none'));
    expect(lines(p)).toEqual(['one', 'two', 'three', 'clean', 'after']);
    expect(summary.recap.h0).toMatchObject({ failed: 0, rescued: 0 });
  });

  it('check mode: a block whose outcome is unknown makes its rescue unknown', async () => {
    const p = file('check');
    const { results } = await run(pbOf(p, 'none', true), true);
    expect(lines(p)).toEqual(['']);
    const status = Object.fromEntries(results.map((r) => [r.task, r.status]));
    expect(status).toMatchObject({ one: 'unknown', undo: 'unknown', undo2: 'unknown', clean: 'changed' });
    const known = await run(pbOf(file('check2'), 'none'), true);
    expect(known.results.some((r) => r.task === 'undo')).toBe(false);
  });

  it('shares when and tags, and lists its parts in --list-tasks; blocks do not nest', async () => {
    const p = file('when');
    const inner = task(step, { path: p, line: 'x' }, { name: 'x', tags: ['own'] });
    const pb = definePlaybook({
      name: 'w',
      plays: [
        { name: 'p', hosts: 'all', tasks: block({ name: 'gated', tasks: [inner], when: (c) => c.host.name === 'h1', tags: ['shared'] }) },
      ],
    });
    const { results } = await run(pb, false, 2);
    expect(Object.fromEntries(results.map((r) => [r.host, r.status]))).toEqual({ h0: 'skipped', h1: 'changed' });
    expect(listRun({ playbook: pb, inventory: inventory(1) }, 'tasks')).toContain('x  [block gated: block]  tags: [shared, own]');
    expect(() => block({ name: 'outer', tasks: block({ name: 'in', tasks: [inner] }) })).toThrow(/do not nest/);
  });
});

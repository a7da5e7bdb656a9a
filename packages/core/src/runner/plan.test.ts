import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pathFact } from '../facts.js';
import { resolveInventory } from '../inventory/resolve.js';
import { defineModule } from '../module.js';
import { definePlaybook, task, type Play } from '../playbook.js';
import { splitBatches } from './batches.js';
import { planRun } from './plan.js';
import { taskSelected } from './select-tasks.js';

/** No connection anywhere in this file: planning is pure. */
const touch = defineModule({
  name: 'touch',
  args: z.strictObject({ path: z.string().startsWith('/') }),
  facts: (a) => ({ st: pathFact(a.path) }),
  plan: (f, a) => ({ changed: !f.st.exists, summary: `would create ${a.path}` }),
});

const inv = (n: number) =>
  resolveInventory(
    { defaults: { connection: 'local' }, hosts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}`, {}])) },
    '/x/hosts.yaml',
  );
const pb = (plays: Play[]) => definePlaybook({ name: 'pb', plays });
const names = (n: number) => Array.from({ length: n }, (_, i) => `h${i}`);

describe('serial batches', () => {
  it('splits by a number, a percentage and a list whose last size repeats', () => {
    expect(splitBatches(names(5), 2)).toEqual([['h0', 'h1'], ['h2', 'h3'], ['h4']]);
    expect(splitBatches(names(10), '30%')).toEqual([['h0', 'h1', 'h2'], ['h3', 'h4', 'h5'], ['h6', 'h7', 'h8'], ['h9']]);
    expect(splitBatches(names(3), '10%')).toEqual([['h0'], ['h1'], ['h2']]);
    expect(splitBatches(names(6), [1, '50%'])).toEqual([['h0'], ['h1', 'h2', 'h3'], ['h4', 'h5']]);
    expect(splitBatches(names(4), [1, 2, 10])).toEqual([['h0'], ['h1', 'h2'], ['h3']]);
    expect(splitBatches(names(3), undefined)).toEqual([names(3)]);
  });
  it('rejects sizes that make no batch, naming the field', () => {
    expect(() => splitBatches(names(3), 0)).toThrow(expect.objectContaining({ code: 'PLAY_INVALID', field: 'serial' }));
    expect(() => splitBatches(names(3), '0%')).toThrow(expect.objectContaining({ code: 'PLAY_INVALID' }));
    expect(() => splitBatches(names(3), [1, 'half' as never])).toThrow(expect.objectContaining({ field: 'serial.1' }));
    expect(() => planRun(pb([{ name: 'p', hosts: 'all', serial: -1, tasks: [] }]), inv(2))).toThrow(
      expect.objectContaining({ field: 'plays.0.serial' }),
    );
  });
  it('planRun gives each play its batches of the selected hosts', () => {
    const plan = planRun(pb([{ name: 'p', hosts: 'all', serial: [1, '50%'], tasks: [task(touch, { path: '/a' })] }]), inv(5), {
      limit: 'all:!h4',
    });
    expect(plan.plays[0]?.batches).toEqual([['h0'], ['h1', 'h2'], ['h3']]);
  });
});

describe('task identity and selection', () => {
  it('each task has one id, PLAY › NAME; a repeated play name gets a number', () => {
    const t = task(touch, { path: '/a' }, { name: 'make a' });
    const plan = planRun(
      pb([
        { name: 'p', hosts: 'all', tasks: [t] },
        { name: 'p', hosts: 'all', tasks: [t] },
      ]),
      inv(1),
    );
    expect(plan.plays.map((p) => p.tasks[0]?.id)).toEqual(['p › make a', 'p #2 › make a']);
  });
  it('two tasks with the same name in one play are a coded error naming both', () => {
    const play = { name: 'p', hosts: 'all', tasks: [task(touch, { path: '/a' }), task(touch, { path: '/b' })] };
    expect(() => planRun(pb([play]), inv(1), { playbookFile: '/x/pb.ts' })).toThrow(
      expect.objectContaining({
        code: 'DUPLICATE_TASK',
        field: 'plays.0.tasks.1.name',
        file: '/x/pb.ts',
        message: expect.stringContaining('tasks 1 and 2'),
      }),
    );
  });
  it('--start-at-task deselects everything before the first task of that name, across plays', () => {
    const plays = [
      { name: 'one', hosts: 'all', tasks: [task(touch, { path: '/a' }, { name: 'a' }), task(touch, { path: '/b' }, { name: 'b' })] },
      { name: 'two', hosts: 'all', tasks: [task(touch, { path: '/c' }, { name: 'c' })] },
    ];
    const plan = planRun(pb(plays), inv(1), { startAtTask: 'b' });
    expect(plan.plays.flatMap((p) => p.tasks.map((t) => `${t.name}:${t.selected}`))).toEqual(['a:false', 'b:true', 'c:true']);
    expect(() => planRun(pb(plays), inv(1), { startAtTask: 'zz' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TASK', field: '--start-at-task', hint: expect.stringContaining('a, b, c') }),
    );
  });
  it('tags: never runs only when asked for by one of its tags; always unless skipped; unknown tags are an error', () => {
    const t = (tags: string[]) => task(touch, { path: '/a' }, { tags });
    expect(taskSelected(t(['never', 'debug']), undefined, undefined)).toBe(false);
    expect(taskSelected(t(['never', 'debug']), ['all'], undefined)).toBe(false);
    expect(taskSelected(t(['never', 'debug']), ['debug'], undefined)).toBe(true);
    expect(taskSelected(t(['never']), ['never'], undefined)).toBe(true);
    expect(taskSelected(t(['always']), ['other'], undefined)).toBe(true);
    expect(taskSelected(t(['always']), undefined, ['always'])).toBe(false);
    expect(taskSelected(t([]), ['untagged'], undefined)).toBe(true);
    expect(taskSelected(t(['x']), undefined, ['tagged'])).toBe(false);
    const play = { name: 'p', hosts: 'all', tasks: [task(touch, { path: '/a' }, { tags: ['setup'] })] };
    expect(() => planRun(pb([play]), inv(1), { tags: ['setpu'] })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TAG', field: '--tags', hint: expect.stringContaining('setup') }),
    );
    expect(() => planRun(pb([play]), inv(1), { skipTags: ['nope'] })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TAG', field: '--skip-tags' }),
    );
    expect(() => planRun(pb([play]), inv(1), { tags: ['always', 'all'] })).not.toThrow();
  });
});

describe('per-host evaluation at plan time', () => {
  it('evaluates an args function once per host and validates it; a function reading results is left for run time', () => {
    let calls = 0;
    const a = task(touch, (c) => ((calls += 1), { path: `/tmp/${c.host.name}` }), { name: 'static' });
    const b = task(touch, (c) => ({ path: c.result(a)?.changed ? '/x' : '/y' }), { name: 'dynamic' });
    const plan = planRun(pb([{ name: 'p', hosts: 'all', tasks: [a, b] }]), inv(3));
    expect(calls).toBe(3);
    expect(plan.perHost.h1?.['p › static']).toMatchObject({
      dynamic: false,
      become: false,
      ctx: { host: 'h1', check: false, become: false },
      invocations: [
        { task: 'p › static', raw: { path: '/tmp/h1' }, args: { path: '/tmp/h1' }, when: true, facts: { st: { key: 'path::/tmp/h1' } } },
      ],
    });
    expect(plan.perHost.h1?.['p › dynamic']).toEqual({ dynamic: true });
  });
  it('a per-host args error is reported before any connection, with host, task, file and field', () => {
    const bad = task(touch, (c) => ({ path: c.host.name === 'h1' ? 'relative' : '/ok' }), { name: 'mk' });
    expect(() => planRun(pb([{ name: 'p', hosts: 'all', tasks: [bad] }]), inv(2), { playbookFile: '/x/pb.ts' })).toThrow(
      expect.objectContaining({ code: 'ARGS_INVALID', host: 'h1', task: 'p › mk', file: '/x/pb.ts', field: 'path' }),
    );
  });
  it('a loop plans one invocation per item with its label and when; a bad item names it', () => {
    const loop = task(touch, (c) => ({ path: `/srv/${c.host.name}/${String(c.item)}` }), {
      name: 'files',
      loop: (c) => (c.host.name === 'h0' ? ['a', 'b', 'c'] : ['a']),
      when: (c) => c.item !== 'b',
    });
    const plan = planRun(pb([{ name: 'p', hosts: 'all', tasks: [loop] }]), inv(2));
    const h0 = plan.perHost.h0?.['p › files'];
    expect(h0).toMatchObject({
      dynamic: false,
      invocations: [
        { label: 'a', when: true, args: { path: '/srv/h0/a' } },
        { label: 'b', when: false },
        { label: 'c', when: true },
      ],
    });
    expect(plan.perHost.h1?.['p › files']).toMatchObject({ invocations: [{ label: 'a', args: { path: '/srv/h1/a' } }] });
    const bad = task(touch, (c) => ({ path: String(c.item) }), { name: 'bad', loop: ['/ok', 'nope'] });
    expect(() => planRun(pb([{ name: 'p', hosts: 'all', tasks: [bad] }]), inv(1))).toThrow(
      expect.objectContaining({ code: 'ARGS_INVALID', task: 'p › bad (nope)' }),
    );
  });
  it('deselected tasks are not evaluated', () => {
    let calls = 0;
    const t = task(touch, () => ((calls += 1), { path: '/a' }), { tags: ['x'] });
    planRun(pb([{ name: 'p', hosts: 'all', tasks: [t] }]), inv(2), { skipTags: ['x'] });
    expect(calls).toBe(0);
  });
  it('maxFailPercentage outside 0..100 is a coded error', () => {
    expect(() => planRun(pb([{ name: 'p', hosts: 'all', maxFailPercentage: 120, tasks: [] }]), inv(1))).toThrow(
      expect.objectContaining({ code: 'PLAY_INVALID', field: 'plays.0.maxFailPercentage' }),
    );
  });
});

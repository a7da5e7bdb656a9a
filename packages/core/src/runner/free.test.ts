import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { pathFact } from '../facts.js';
import { resolveInventory } from '../inventory/resolve.js';
import { LocalConnection } from '../local.js';
import { defineModule } from '../module.js';
import { definePlaybook, task, type Play } from '../playbook.js';
import { quote } from '../sh.js';
import { catStep } from '../testing/cat-step.js';
import type { RunEvent } from './events.js';
import { runPlaybook, type RunOptions } from './run.js';

/** Writes a file, after waiting (at most ~20 s, polling) for `gate` to exist when one is given. */
const put = defineModule({
  name: 'put',
  args: z.strictObject({ path: z.string(), text: z.string().default('x'), gate: z.string().optional(), started: z.string().optional() }),
  facts: (a) => ({ st: pathFact(a.path) }),
  plan: (_f, a) => ({ changed: true, summary: `would write ${a.path}`, predict: { paths: { [a.path]: { exists: true, type: 'file' } } } }),
  apply: async (ctx, a) => {
    const wait = a.gate ? `i=0; while [ ! -e ${quote(a.gate)} ]; do i=$((i+1)); [ $i -gt 1000 ] && exit 7; sleep 0.02; done; ` : '';
    const mark = a.started ? `: > ${quote(a.started)}; sleep 0.2; ` : '';
    const r = await ctx.conn.exec(`${mark}${wait}printf %s ${quote(a.text)} > ${quote(a.path)}`);
    return r.code === 0 ? { changed: true, data: { text: a.text } } : { failed: true, msg: `exit ${r.code}` };
  },
});

/** `put` as a step: consecutive ones apply in one exec (run ahead). */
const stepPut = defineModule({
  name: 'stepPut',
  args: put.args,
  facts: put.facts,
  plan: put.plan,
  step: (_ctx, a) => catStep(a.path, a.text, 'put'),
});

const inv = resolveInventory({ defaults: { connection: 'local' }, hosts: { h0: {}, h1: {}, h2: {} } }, '/x/hosts.yaml');

/** Runs the plays on h0-h2; `onEvent` sees each event as it comes (to open a gate). */
async function run(plays: Play[], extra: Partial<RunOptions> = {}, onEvent?: (e: RunEvent) => void) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: definePlaybook({ name: 'free', plays }),
    inventory: inv,
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => {
      events.push(e);
      onEvent?.(e);
    },
    ...extra,
  });
  const results = events.flatMap((e) => (e.type === 'task.result' ? [`${e.task}:${e.host}:${e.status}`] : []));
  return { summary, events, results };
}

describe('the free strategy (local connections)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-free-'));

  it('a host runs on through its tasks while another is still on the first (linear would wait at each task)', async () => {
    const gate = join(dir, 'ahead.gate');
    const path = (c: { host: { name: string } }, n: string) => join(dir, `ahead-${n}-${c.host.name}`);
    const play: Play = {
      name: 'p',
      hosts: 'all',
      tasks: [
        // h1 waits here until h0 has written its third file: only a host that runs ahead can
        task(put, (c) => ({ path: path(c, 'a'), ...(c.host.name === 'h1' ? { gate } : {}) }), { name: 'a' }),
        task(put, (c) => ({ path: path(c, 'b') }), { name: 'b' }),
        task(put, (c) => ({ path: c.host.name === 'h0' ? gate : path(c, 'c') }), { name: 'c' }),
      ],
    };
    const { summary, results, events } = await run([play]);
    expect(summary.recap.h1).toMatchObject({ changed: 3, failed: 0 });
    expect(results.indexOf('c:h0:changed')).toBeLessThan(results.indexOf('a:h1:changed'));
    // each task starts once and ends after its last result, in task order
    const marks = events.flatMap((e) => (e.type === 'task.start' || e.type === 'task.end' ? [`${e.type}:${e.task}`] : []));
    expect(marks.filter((m) => m.startsWith('task.start'))).toEqual(['task.start:a', 'task.start:b', 'task.start:c']);
    expect(marks.filter((m) => m.startsWith('task.end'))).toEqual(['task.end:a', 'task.end:b', 'task.end:c']);
    const endA = events.findIndex((e) => e.type === 'task.end' && e.task === 'a');
    expect(endA).toBeGreaterThan(events.findIndex((e) => e.type === 'task.result' && e.task === 'a' && e.host === 'h1'));
  });

  it("a task that reads another host's result of an earlier task waits for that host to finish it", async () => {
    const gate = join(dir, 'read.gate');
    // h0's first task waits for the gate, which opens when h1 has reported the first task; h1 is then on
    // the second task, whose args read h0's result of the first
    const first = task(
      put,
      (c) => ({
        path: join(dir, `read-a-${c.host.name}`),
        text: c.host.name,
        ...(c.host.name === 'h0' ? { gate, started: join(dir, 'read-a.started') } : {}),
      }),
      {
        name: 'a',
      },
    );
    const play: Play = {
      name: 'p',
      hosts: 'all',
      tasks: [
        first,
        task(
          put,
          (c) => ({ path: join(dir, `read-b-${c.host.name}`), text: `saw ${c.resultOf<{ text: string }>('h0', first)?.data?.text}` }),
          {
            name: 'b',
          },
        ),
      ],
    };
    const seen = new Map<string, number>();
    const emit = (e: RunEvent) => {
      if (e.type === 'task.result') seen.set(`${e.task}:${e.host}`, Date.now());
      if (e.type === 'task.result' && e.task === 'a' && e.host === 'h1') writeFileSync(gate, '');
    };
    const { summary, events } = await run([play], {}, emit);
    expect(summary.outcome).toBe('changed');
    const b = events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result' && e.task === 'b');
    expect(b).toHaveLength(3);
    for (const h of ['h0', 'h1', 'h2']) expect(readFileSync(join(dir, `read-b-${h}`), 'utf8')).toBe('saw h0');
    const at = (task: string, host: string) => events.findIndex((e) => e.type === 'task.result' && e.task === task && e.host === host);
    expect(at('b', 'h1')).toBeGreaterThan(at('a', 'h0'));
    // h1's b waited for h0's a (which sleeps 0.2 s first): that wait is not b's own time, which lies between
    // h0's result of a and h1's result of b (one clock: both read in this process as the events came)
    const waited = (seen.get('b:h1') as number) - (seen.get('a:h0') as number);
    expect(b.find((e) => e.host === 'h1')?.durationMs).toBeLessThanOrEqual(waited);
  });

  it('a run-once task is a barrier: every host finishes the tasks before it first', async () => {
    const gate = join(dir, 'barrier.gate');
    const play: Play = {
      name: 'p',
      hosts: 'all',
      tasks: [
        task(put, (c) => ({ path: join(dir, `bar-a-${c.host.name}`), ...(c.host.name === 'h2' ? { gate } : {}) }), { name: 'a' }),
        task(put, (c) => ({ path: join(dir, `bar-b-${c.host.name}`) }), { name: 'b' }),
        task(put, { path: join(dir, 'bar-once') }, { name: 'once', runOnce: true }),
        task(put, (c) => ({ path: join(dir, `bar-c-${c.host.name}`) }), { name: 'c' }),
      ],
    };
    // h2's first task waits until the other two hosts are done with b
    let done = 0;
    const emit = (e: RunEvent) => {
      if (e.type === 'task.result' && e.task === 'b' && ++done === 2) writeFileSync(gate, '');
    };
    const { summary, results } = await run([play], {}, emit);
    expect(summary.outcome).toBe('changed');
    const onceAt = results.findIndex((r) => r.startsWith('once:'));
    expect(onceAt).toBeGreaterThan(results.indexOf('b:h2:changed'));
    expect(results.filter((r) => r.startsWith('c:')).every((r) => results.indexOf(r) > onceAt)).toBe(true);
  });

  it('a barrier task: no host starts it (nor applies it ahead in an earlier exec) before every host is past the tasks before it', async () => {
    const gate = join(dir, 'meet.gate');
    const path = (c: { host: { name: string } }, n: string) => join(dir, `meet-${n}-${c.host.name}`);
    const play: Play = {
      name: 'p',
      hosts: 'all',
      tasks: [
        // h2 waits here until the other two have reported a; they would run on through b and c meanwhile
        task(stepPut, (c) => ({ path: path(c, 'a'), ...(c.host.name === 'h2' ? { gate } : {}) }), { name: 'a' }),
        task(stepPut, (c) => ({ path: path(c, 'b') }), { name: 'b', barrier: true }),
        task(stepPut, (c) => ({ path: path(c, 'c') }), { name: 'c' }),
      ],
    };
    let done = 0;
    let early = '';
    const emit = (e: RunEvent) => {
      if (e.type !== 'task.result' || e.task !== 'a' || e.host === 'h2') return;
      // what h0 and h1 had written when they reported a: no b of theirs yet (not run, not applied ahead)
      early += ['h0', 'h1'].filter((h) => existsSync(join(dir, `meet-b-${h}`))).join(',');
      if (++done === 2) writeFileSync(gate, '');
    };
    const { summary, results } = await run([play], {}, emit);
    expect(summary.recap.h2).toMatchObject({ changed: 3, failed: 0 });
    expect(early).toBe('');
    const firstB = Math.min(...['h0', 'h1', 'h2'].map((h) => results.indexOf(`b:${h}:changed`)));
    expect(firstB).toBeGreaterThan(results.indexOf('a:h2:changed'));
  });

  it('an interrupt: the tasks in flight finish, no host starts another', async () => {
    const at = (t: string, h: string, what: string) => join(dir, `int-${t}-${h}.${what}`);
    const step = (t: string) =>
      task(put, (c) => ({ path: at(t, c.host.name, 'done'), started: at(t, c.host.name, 'started') }), { name: t });
    const stop = new AbortController();
    const { summary, results } = await run(
      [{ name: 'p', hosts: 'all', tasks: [step('a'), step('b'), step('c')] }],
      { signal: stop.signal },
      (e) => {
        if (e.type === 'task.result') stop.abort();
      },
    );
    expect(summary.interrupted).toBe(true);
    for (const t of ['a', 'b', 'c'])
      for (const h of ['h0', 'h1', 'h2']) expect([t, h, existsSync(at(t, h, 'done'))]).toEqual([t, h, existsSync(at(t, h, 'started'))]);
    expect(results.filter((r) => r.startsWith('a:'))).toHaveLength(3);
    expect(results.filter((r) => !r.startsWith('a:'))).toEqual([]);
  });

  it('an interrupt after a host applied tasks ahead in one exec: those are reported, and only those', async () => {
    const at = (t: string, h: string) => join(dir, `ahead-int-${t}-${h}`);
    const stop = new AbortController();
    let first = '';
    const tasks = ['a', 'b', 'c'].map((t) => task(stepPut, (c) => ({ path: at(t, c.host.name) }), { name: t }));
    const { summary, results } = await run([{ name: 'p', hosts: 'all', tasks }], { signal: stop.signal }, (e) => {
      if (e.type !== 'task.result') return;
      first ||= e.host;
      stop.abort();
    });
    expect(summary.interrupted).toBe(true);
    // the first host to report had applied b and c in the exec of a
    expect(results).toContain(`c:${first}:changed`);
    for (const t of ['a', 'b', 'c'])
      for (const h of ['h0', 'h1', 'h2']) expect([t, h, existsSync(at(t, h))]).toEqual([t, h, results.includes(`${t}:${h}:changed`)]);
  });

  const inStep = async (own: Play['strategy'], opt: RunOptions['strategy'], tag: string) => {
    // h1's first task takes 0.2 s longer: free, h0 would be done with b before it
    const slow = (c: { host: { name: string } }, t: string) =>
      c.host.name === 'h1' && t === 'a' ? { started: join(dir, `lin-${tag}`) } : {};
    const tasks = ['a', 'b'].map((t) =>
      task(put, (c) => ({ path: join(dir, `lin-${tag}-${t}-${c.host.name}`), ...slow(c, t) }), { name: t }),
    );
    const { results } = await run([{ name: 'p', hosts: 'all', ...(own ? { strategy: own } : {}), tasks }], opt ? { strategy: opt } : {});
    const lastA = Math.max(...['h0', 'h1', 'h2'].map((h) => results.indexOf(`a:${h}:changed`)));
    const firstB = Math.min(...['h0', 'h1', 'h2'].map((h) => results.indexOf(`b:${h}:changed`)));
    return lastA < firstB;
  };

  it("strategy: 'linear' keeps every host on the same task, from the play or as the run's default", async () => {
    expect(await inStep('linear', undefined, 'play')).toBe(true);
    expect(await inStep(undefined, 'linear', 'run')).toBe(true);
  });

  it("a play's own strategy wins over the run's default", async () => {
    const gate = join(dir, 'wins.gate');
    const tasks = [
      task(put, (c) => ({ path: join(dir, `wins-a-${c.host.name}`), ...(c.host.name === 'h1' ? { gate } : {}) }), { name: 'a' }),
      task(put, (c) => ({ path: c.host.name === 'h0' ? gate : join(dir, `wins-b-${c.host.name}`) }), { name: 'b' }),
    ];
    const { summary } = await run([{ name: 'p', hosts: 'all', strategy: 'free', tasks }], { strategy: 'linear' });
    expect(summary.recap.h1).toMatchObject({ changed: 2, failed: 0 });
  });

  it('a strategy that is neither free nor linear is a coded error naming the field', async () => {
    const play = { name: 'p', hosts: 'all', strategy: 'fast', tasks: [] } as unknown as Play;
    await expect(run([play])).rejects.toMatchObject({ code: 'PLAY_INVALID', field: 'plays.0.strategy' });
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { resolveInventory } from '../inventory/resolve.js';
import { LocalConnection } from '../local.js';
import { defineModule } from '../module.js';
import { definePlaybook, task } from '../playbook.js';
import type { RunEvent } from './events.js';
import { runPlaybook } from './run.js';

/** Counts its runs in a file and returns the count; fails below `failBelow`. Records [start, end] times. */
const tick = defineModule({
  name: 'tick',
  args: z.strictObject({ path: z.string(), failBelow: z.number().default(0), sleepMs: z.number().default(0) }),
  facts: () => ({}),
  plan: () => ({ changed: true, run: true }),
  apply: async (_ctx, a) => {
    const start = Date.now();
    const n = Number(readFileSync(a.path, 'utf8') || '0') + 1;
    writeFileSync(a.path, String(n));
    await new Promise((r) => setTimeout(r, a.sleepMs));
    return n < a.failBelow ? { failed: true, msg: `only ${n}` } : { changed: true, data: { n, start, end: Date.now() } };
  },
});

const inventory = (n: number) =>
  resolveInventory(
    { defaults: { connection: 'local' }, hosts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`h${i}`, {}])) },
    '/x/hosts.yaml',
  );
async function run(tasks: ReturnType<typeof task>[], hosts = 1, check = false) {
  const events: RunEvent[] = [];
  const pb = definePlaybook({ name: 'r', plays: [{ name: 'p', hosts: 'all', tasks }] });
  const summary = await runPlaybook({
    playbook: pb,
    inventory: inventory(hosts),
    connect: async (h) => new LocalConnection(h.name),
    emit: (e) => events.push(e),
    check,
  });
  return { summary, events, results: events.filter((e): e is Extract<RunEvent, { type: 'task.result' }> => e.type === 'task.result') };
}
const dir = mkdtempSync(join(tmpdir(), 'tsplay-retry-'));
const counter = (name: string) => {
  const p = join(dir, name);
  writeFileSync(p, '');
  return p;
};

describe('retries/until/delayMs on any task', () => {
  it('retries a failing task until it succeeds, logging each try', async () => {
    const p = counter('fail');
    const { results, events, summary } = await run([task(tick, { path: p, failBelow: 3 }, { retries: 5, delayMs: 5 })]);
    expect(readFileSync(p, 'utf8')).toBe('3');
    expect(results[0]).toMatchObject({ status: 'changed', attempts: 3 });
    expect(events.filter((e) => e.type === 'log' && /try \d of 6 did not settle/.test(e.message))).toHaveLength(2);
    expect(summary.outcome).toBe('changed');
  });

  it('until is typed over the result and retried until it holds; never holding fails', async () => {
    const p = counter('until');
    const t = task(tick, { path: p }, { until: (r) => (r.data?.n ?? 0) >= 4, retries: 10, delayMs: 1 });
    const { results } = await run([t]);
    expect(readFileSync(p, 'utf8')).toBe('4');
    expect(results[0]).toMatchObject({ status: 'changed', attempts: 4 });
    const q = counter('never');
    const never = await run([task(tick, { path: q }, { until: () => false, retries: 2, delayMs: 1 })]);
    expect(readFileSync(q, 'utf8')).toBe('3');
    expect(never.results[0]).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'TASK_FAILED', field: 'until' } });
  });

  it('without retries or until, a failure is final', async () => {
    const p = counter('once');
    const { results } = await run([task(tick, { path: p, failBelow: 3 })]);
    expect(readFileSync(p, 'utf8')).toBe('1');
    expect(results[0]?.status).toBe('failed');
  });

  it('throttle: at most N hosts run the task at once', async () => {
    const paths = [0, 1, 2, 3].map((i) => counter(`thr${i}`));
    const busiest = async (throttle: number | undefined) => {
      const t = task(tick, (c) => ({ path: paths[Number(c.host.name.slice(1))] as string, sleepMs: 400 }), throttle ? { throttle } : {});
      const { summary } = await run([t], 4);
      const spans = [0, 1, 2, 3].map((i) => summary.resultOf(`h${i}`, t)?.data as { start: number; end: number });
      // the most running at one instant: at each start, those begun and not yet ended
      return Math.max(...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length));
    };
    expect(await busiest(2)).toBeLessThanOrEqual(2);
    expect(await busiest(undefined)).toBeGreaterThanOrEqual(3); // the oracle sees overlap when nothing limits it
  });
});

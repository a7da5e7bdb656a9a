import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { commandFact } from '../facts.js';
import { resolveInventory } from '../inventory/resolve.js';
import { defineModule } from '../module.js';
import { definePlaybook, task, type TaskContext } from '../playbook.js';
import { quote } from '../sh.js';
import { runPlaybook } from './run.js';
import { recording } from '../testing/recording.js';

/** Makes sure a file has a text: one fact (its content), one apply (write it). */
const line = defineModule({
  name: 'line',
  args: z.strictObject({ path: z.string(), text: z.string() }),
  facts: (a) => ({ cur: commandFact(`cat:${a.path}`, `cat ${quote(a.path)} 2>/dev/null || true`, (r) => r.stdout) }),
  plan: (f, a) => ({ changed: f.cur !== a.text, summary: `would write ${a.path}` }),
  apply: async (ctx, a) => {
    const r = await ctx.conn.exec(`printf %s ${quote(a.text)} > ${quote(a.path)}`);
    return r.code === 0 ? { changed: true } : { failed: true, msg: `exit ${r.code}` };
  },
});

async function runOnce(dir: string, execs: string[]) {
  const a = task(line, { path: join(dir, 'a'), text: 'A' }, { name: 'a' });
  // dynamic: its args read a's result, so the plan cannot know them before the run
  const b = task(line, (c) => ({ path: join(dir, 'b'), text: c.result(a)?.changed ? 'B after a change' : 'B' }), { name: 'b' });
  const probe = task(line, (c) => ({ path: join(dir, 'c'), text: c.result(b)?.status === 'ok' ? 'C' : 'C?' }), { name: 'c' });
  const pb = definePlaybook({ name: 'spec', plays: [{ name: 'p', hosts: 'all', tasks: [a, b, probe] }] });
  const inventory = resolveInventory({ defaults: { connection: 'local' }, hosts: { h0: {} } }, '/x/hosts.yaml');
  const connect = recording(execs);
  return runPlaybook({ playbook: pb, inventory, connect: async (h) => connect(h.name), emit: () => {} });
}

describe('prefetch of dynamic tasks', () => {
  it('on an idempotent run a dynamic task is answered from the one batched probe (speculated args)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-spec-'));
    writeFileSync(join(dir, 'a'), 'A');
    writeFileSync(join(dir, 'b'), 'B');
    writeFileSync(join(dir, 'c'), 'C');
    const execs: string[] = [];
    const s = await runOnce(dir, execs);
    expect(s.outcome).toMatch(/^(ok|changed)$/);
    expect(s.recap.h0).toMatchObject({ changed: 0, ok: 3 });
    expect(execs).toHaveLength(1); // a, b and c's facts in one probe
  });

  it('when the guess is wrong (an earlier task changed), the task plans from facts probed for its real args', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-spec-'));
    writeFileSync(join(dir, 'b'), 'B');
    writeFileSync(join(dir, 'c'), 'C');
    const execs: string[] = [];
    const s = await runOnce(dir, execs);
    expect(s.outcome).toMatch(/^(ok|changed)$/);
    // a is written, so b must now be 'B after a change' (not the speculated "B" already there), and c follows b
    expect(s.recap.h0).toMatchObject({ changed: 3 });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('B after a change');
    expect(readFileSync(join(dir, 'c'), 'utf8')).toBe('C?');
  });
});

/** Reads a command's answer and changes nothing (no apply): a read-only task. */
const echo = defineModule({
  name: 'echo',
  args: z.strictObject({ word: z.string() }),
  facts: (a) => ({ out: commandFact(`echo:${a.word}`, `echo ${quote(a.word)}`, (r) => r.stdout) }),
  plan: () => ({ changed: false }),
});

describe('probe ahead of the tasks after a change', () => {
  it('resolves each later dynamic task once per probe (its args function runs once), the read-only ones probed together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-spec-'));
    const inProbe: Record<string, number> = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    try {
      // writes a file that is not there: a change no plan describes, so every answer is dropped after it
      const a = task(line, { path: join(dir, 'a'), text: 'A' }, { name: 'a' });
      const counted =
        <T>(name: string, args: (changed: boolean) => T) =>
        (c: TaskContext) => {
          if (new Error().stack?.includes('probeAhead')) inProbe[name] = (inProbe[name] ?? 0) + 1;
          return args(c.result(a)?.changed === true);
        };
      const read = (w: string) =>
        task(
          echo,
          counted(w, (ch) => ({ word: ch ? w : `${w}?` })),
          { name: w },
        );
      // may change the host: the quiet prefix ends before it
      const write = task(
        line,
        counted('w', (ch) => ({ path: join(dir, 'w'), text: ch ? 'W' : 'W?' })),
        { name: 'w' },
      );
      const pb = definePlaybook({ name: 'spec', plays: [{ name: 'p', hosts: 'all', tasks: [a, read('x'), read('y'), read('z'), write] }] });
      const inventory = resolveInventory({ defaults: { connection: 'local' }, hosts: { h0: {} } }, '/x/hosts.yaml');
      const execs: string[] = [];
      const connect = recording(execs);
      const s = await runPlaybook({ playbook: pb, inventory, connect: async (h) => connect(h.name), emit: () => {} });
      expect(s.recap.h0).toMatchObject({ changed: 2, ok: 3, failed: 0 });
      // the batch probe (w's file: only its text is guessed); a; x probes after a's change, for itself and the
      // read-only y and z after it (nothing runs between), not w's file (a fact that names no path, after the
      // quiet prefix): w probes it itself, then writes it
      const words = execs.map((e) => {
        const echoed = ['x', 'y', 'z'].filter((w) => e.includes(`echo ${w}\n`));
        return [...echoed, ...(e.includes(`cat ${join(dir, 'w')} `) ? ['w'] : [])].join('');
      });
      expect(words).toEqual(['w', '', 'xyz', 'w', '']);
      // two probes ahead (x's and w's): x, y and z are resolved in the first, w in both
      expect(inProbe).toEqual({ x: 1, y: 1, z: 1, w: 2 });
    } finally {
      Error.stackTraceLimit = limit;
    }
  });
});

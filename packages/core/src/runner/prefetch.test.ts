import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { commandFact } from '../facts.js';
import { resolveInventory } from '../inventory/resolve.js';
import { defineModule } from '../module.js';
import { definePlaybook, task } from '../playbook.js';
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

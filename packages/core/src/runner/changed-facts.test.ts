import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { commandFact, pathFact } from '../facts.js';
import { FactCache } from '../gather.js';
import { resolveInventory } from '../inventory/resolve.js';
import { defineModule, type ApplyStep } from '../module.js';
import type { Connection } from '../connection.js';
import { definePlaybook, task, type Task } from '../playbook.js';
import type { RunEvent } from './events.js';
import { quote } from '../sh.js';
import { runPlaybook } from './run.js';
import { recording } from '../testing/recording.js';
import { catStep } from '../testing/cat-step.js';

/** Makes a file exist; its plan predicts it (a described change). */
const touch = defineModule({
  name: 'touch',
  args: z.strictObject({ path: z.string() }),
  facts: (a) => ({ st: pathFact(a.path) }),
  plan: (f, a) => ({
    changed: !f.st.exists,
    summary: `would create ${a.path}`,
    predict: { paths: { [a.path]: { exists: true, type: 'file' as const } } },
  }),
  apply: async (ctx, a) => ((await ctx.conn.exec(`: > ${quote(a.path)}`)).code === 0 ? {} : { failed: true, msg: 'touch failed' }),
});

/** `touch` as one step: consecutive ones apply in one exec. */
const stepTouch = defineModule({
  name: 'stepTouch',
  args: touch.args,
  facts: touch.facts,
  plan: touch.plan,
  step: (_ctx, a) => catStep(a.path, `content of ${a.path}`, 'touch'),
});

/** Makes a directory as one step; its plan predicts it. */
const stepDir = defineModule({
  name: 'stepDir',
  args: touch.args,
  facts: touch.facts,
  plan: (f, a) => ({
    changed: !f.st.exists,
    summary: `would create ${a.path}/`,
    predict: { paths: { [a.path]: { exists: true, type: 'dir' as const } } },
  }),
  step: (_ctx, a) => ({
    script: `mkdir ${quote(a.path)}`,
    done: (r) => (r.code === 0 ? {} : { failed: true, msg: `mkdir failed: ${r.stderr.trim()}` }),
  }),
});

/** Fails unless a path exists: proves a later task sees what an earlier one changed. */
const need = defineModule({
  name: 'need',
  args: z.strictObject({ path: z.string() }),
  facts: (a) => ({ st: pathFact(a.path) }),
  plan: (f, a) => {
    if (!f.st.exists) throw new Error(`${a.path} is missing`);
    return { changed: false };
  },
});

/** Always runs and says nothing of what it changed (a command). */
const shell = defineModule({
  name: 'shell',
  args: z.strictObject({ cmd: z.string() }),
  facts: () => ({}),
  plan: () => ({ changed: false, run: true }),
  apply: async (ctx, a) => ({ changed: (await ctx.conn.exec(a.cmd)).code === 0 }),
});

/** A fact that names no path (a command's answer): any change may make it stale. */
const echo = defineModule({
  name: 'echo',
  args: z.strictObject({ word: z.string() }),
  facts: (a) => ({ out: commandFact(`echo:${a.word}`, `echo ${quote(a.word)}`, (r) => r.stdout) }),
  plan: () => ({ changed: false }),
});

/** `echo` that says it only reads; it applies (as a wait would: time passes) when its word is `wait`. */
const readEcho = defineModule({
  name: 'readEcho',
  args: echo.args,
  facts: echo.facts,
  plan: (_f, a) => ({ changed: false, run: a.word === 'wait' }),
  readOnly: () => true,
  apply: async () => ({ changed: false }),
});

/** `stepTouch` with a time limit of its own. */
const timedTouch = defineModule({
  name: 'timedTouch',
  args: touch.args,
  facts: touch.facts,
  plan: touch.plan,
  step: (ctx, a, plan) => ({ ...(stepTouch.step?.(ctx, a, plan) as ApplyStep), timeoutMs: 7_000 }),
});

async function run(tasks: Task[], stop?: AbortController) {
  const execs: string[] = [];
  const options: Parameters<Connection['exec']>[1][] = [];
  const pb = definePlaybook({ name: 'known', plays: [{ name: 'p', hosts: 'all', tasks }] });
  const inventory = resolveInventory({ defaults: { connection: 'local' }, hosts: { h0: {} } }, '/x/hosts.yaml');
  const connect = recording(execs, options);
  const events: RunEvent[] = [];
  const emit = (e: RunEvent) => {
    events.push(e);
    if (e.type === 'task.result') stop?.abort(); // an interrupt as the first result comes
  };
  const s = await runPlaybook({ playbook: pb, inventory, connect: async (h) => connect(h.name), emit, signal: stop?.signal });
  const results = events.flatMap((e) => (e.type === 'task.result' ? [`${e.task}:${e.status}`] : []));
  return { s, execs, options, results, probes: execs.filter((e) => e.includes('__tsplay_') && !e.includes('head -c')).length };
}

describe('FactCache.forgetChanged', () => {
  const cache = () => {
    const c = new FactCache();
    for (const f of [pathFact('/a/b'), pathFact('/a'), pathFact('/z')]) c.put(f, { exists: false });
    c.put({ ...pathFact('/a'), key: 'deep:/a', statOf: undefined }, 1);
    c.put(
      commandFact('x', 'true', () => 1),
      1,
    );
    return c;
  };
  const left = (changed: string[]) => {
    const c = cache();
    c.forgetChanged(changed);
    return [...c.values.keys()].sort();
  };

  it('keeps answers about other paths, drops the changed path, what is below a changed directory, and facts that name no path', () => {
    expect(left(['/z'])).toEqual(['deep:/a', 'path::/a', 'path::/a/b']);
    expect(left(['/a/b'])).toEqual(['path::/a', 'path::/z']); // /a is stat-only (shallow): a file made in it leaves it
    expect(left(['/a'])).toEqual(['path::/z']); // /a/b is below the changed directory
    expect(left(['/a/'])).toEqual(['path::/z']);
  });
});

describe('a real run re-probes only what a change touched', () => {
  it('described changes: one probe for the whole run, and a later task sees the changed path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-known-'));
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, n)) as [string, string, string];
    const r = await run([
      task(touch, { path: a }, { name: 'a' }),
      task(touch, { path: b }, { name: 'b' }),
      task(touch, { path: c }, { name: 'c' }),
      task(need, { path: a }, { name: 'need a' }),
    ]);
    expect(r.s.recap.h0).toMatchObject({ changed: 3, ok: 1, failed: 0 });
    expect([a, b, c].every((p) => existsSync(p))).toBe(true);
    // the batch's probe, 3 applies, and a's fact again (a changed it) with nothing else
    expect(r.probes).toBe(2);
    expect(r.execs).toHaveLength(5);
  });

  it("a change no plan describes drops every answer: the next task probes, with the later tasks' path facts in the same exec", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-known-'));
    const a = join(dir, 'a');
    const r = await run([
      task(shell, { cmd: `: > ${quote(a)}` }, { name: 'make a' }),
      task(need, { path: a }, { name: 'need a' }),
      task(echo, { word: 'hi' }, { name: 'echo' }),
      task(touch, { path: join(dir, 'b') }, { name: 'b' }),
      task(echo, { word: 'again' }, { name: 'echo again' }),
    ]);
    expect(r.s.recap.h0).toMatchObject({ changed: 2, ok: 3, failed: 0 });
    // prefetch, the command, one probe ahead (a's and b's path facts, and the echo's: it names no path, but
    // neither 'need a' nor the echo can change the host), b's apply, then the second echo's (after b's change)
    expect(r.execs).toHaveLength(5);
    expect(r.probes).toBe(3);
    expect(r.execs[2]).toContain('echo hi\n');
    expect(r.execs[2]).not.toContain('echo again\n');
  });
});

describe('the read-only tasks after a change probe together', () => {
  it('their facts that name no path in one exec, up to the first task that may change the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-quiet-'));
    const r = await run([
      task(touch, { path: join(dir, 'a') }, { name: 'a' }),
      task(readEcho, { word: 'x' }, { name: 'x' }),
      task(echo, { word: 'y' }, { name: 'y' }),
      task(readEcho, { word: 'z' }, { name: 'z' }),
      task(shell, { cmd: 'true' }, { name: 'shell' }),
      task(readEcho, { word: 'w' }, { name: 'w' }),
    ]);
    expect(r.results).toEqual(['a:changed', 'x:ok', 'y:ok', 'z:ok', 'shell:changed', 'w:ok']);
    const has = (e: string, word: string) => e.includes(`echo ${word}\n`);
    // the batch probe; a; x's probe with y's and z's (y has no apply, x and z are read-only: nothing runs on
    // the host between); the shell; w's own probe (the shell may have changed anything)
    const words = r.execs.map((e) => ['x', 'y', 'z', 'w'].filter((w) => has(e, w)).join(''));
    expect(words).toEqual(['xyzw', '', 'xyz', '', 'w']);
  });

  it('a read-only task that applies (a wait) drops what was read ahead of it: the tasks after it probe again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-quiet-'));
    const r = await run([
      task(touch, { path: join(dir, 'a') }, { name: 'a' }),
      task(readEcho, { word: 'x' }, { name: 'x' }),
      task(readEcho, { word: 'wait' }, { name: 'wait' }),
      task(readEcho, { word: 'y' }, { name: 'y' }),
    ]);
    expect(r.results).toEqual(['a:changed', 'x:ok', 'wait:ok', 'y:ok']);
    const words = r.execs.map((e) => ['x', 'wait', 'y'].filter((w) => e.includes(`echo ${w}\n`)).join(' '));
    // the batch probe; a; x's probe with the wait's and y's; y again after the wait applied
    expect(words).toEqual(['x wait y', '', 'x wait y', 'y']);
  });
});

describe('consecutive steps run ahead in one exec', () => {
  it('three steps and a task between them that needs no apply: one exec, each file its own content, results in task order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ahead-'));
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, n)) as [string, string, string];
    const r = await run([
      task(stepTouch, { path: a }, { name: 'a' }),
      task(stepTouch, { path: b }, { name: 'b' }),
      task(need, { path: dir }, { name: 'need dir' }),
      task(stepTouch, { path: c }, { name: 'c' }),
      task(need, { path: b }, { name: 'need b' }),
    ]);
    expect(r.results).toEqual(['a:changed', 'b:changed', 'need dir:ok', 'c:changed', 'need b:ok']);
    expect([a, b, c].map((p) => readFileSync(p, 'utf8'))).toEqual([a, b, c].map((p) => `content of ${p}`));
    // the probe, then the three steps in one exec (the directory's stat holds: files made in it leave it) that
    // goes on to probe b again for 'need b', after the steps
    expect(r.execs).toHaveLength(2);
    expect(r.execs[1]?.split('head -c')).toHaveLength(4);
    expect(r.execs[1]?.indexOf(`-- ${b}`)).toBeGreaterThan(r.execs[1]?.lastIndexOf('head -c') ?? 0);
  });

  it('files in a directory an earlier step of the exec makes: planned from its prediction (the host said they were absent), in the same exec', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tsplay-ahead-')), 'd');
    const [a, b] = ['a', 'b'].map((n) => join(dir, n)) as [string, string];
    const r = await run([
      task(stepDir, { path: dir }, { name: 'dir' }),
      task(stepTouch, { path: a }, { name: 'a' }),
      task(stepTouch, { path: b }, { name: 'b' }),
      task(need, { path: b }, { name: 'need b' }),
    ]);
    expect(r.results).toEqual(['dir:changed', 'a:changed', 'b:changed', 'need b:ok']);
    expect([a, b].map((p) => readFileSync(p, 'utf8'))).toEqual([a, b].map((p) => `content of ${p}`));
    // the probe, then mkdir and both files in one exec (which probes b again after them, for 'need b')
    expect(r.execs).toHaveLength(2);
    expect(r.execs[1]?.split('head -c')).toHaveLength(3);
    expect(r.execs[1]).toContain(`mkdir ${quote(dir)}`);
  });

  it("steps with time limits: the exec's limit is the sum of theirs", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ahead-'));
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => join(dir, n)) as [string, string, string, string];
    const r = await run([
      task(stepTouch, { path: a }, { name: 'a' }),
      task(timedTouch, { path: b }, { name: 'b' }),
      task(stepTouch, { path: c }, { name: 'c' }),
      task(timedTouch, { path: d }, { name: 'd' }),
    ]);
    expect(r.results).toEqual(['a:changed', 'b:changed', 'c:changed', 'd:changed']);
    expect([a, b, c, d].every((p) => existsSync(p))).toBe(true);
    // the probe; then the four steps in one exec, whose limit is b's and d's
    const shape = r.execs.map((e, i) => [[a, b, c, d].filter((p) => e.includes(`cat > ${p}`)).length, r.options[i]?.timeoutMs]);
    expect(shape).toEqual([
      [0, undefined],
      [4, 14_000],
    ]);
  });

  it('a step that fails ends the exec: the tasks after it never run, the host fails at that task', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ahead-'));
    const [a, c] = [join(dir, 'a'), join(dir, 'c')];
    const r = await run([
      task(stepTouch, { path: a }, { name: 'a' }),
      task(stepTouch, { path: join(dir, 'missing', 'b') }, { name: 'b' }),
      task(stepTouch, { path: c }, { name: 'c' }),
    ]);
    expect(r.results).toEqual(['a:changed', 'b:failed']);
    expect(existsSync(a)).toBe(true);
    expect(existsSync(c)).toBe(false);
    expect(r.s.recap.h0).toMatchObject({ changed: 1, failed: 1 });
    expect(r.execs).toHaveLength(2);
  });

  it('an interrupt after the exec: the steps it applied are reported, in order, and nothing else runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ahead-'));
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => join(dir, n)) as [string, string, string, string];
    const r = await run(
      [
        task(stepTouch, { path: a }, { name: 'a' }),
        task(stepTouch, { path: b }, { name: 'b' }),
        task(stepTouch, { path: c }, { name: 'c' }),
        task(shell, { cmd: `: > ${quote(d)}` }, { name: 'd' }),
      ],
      new AbortController(),
    );
    expect([a, b, c, d].map((p) => existsSync(p))).toEqual([true, true, true, false]);
    expect(r.results).toEqual(['a:changed', 'b:changed', 'c:changed']);
    expect(r.s.interrupted).toBe(true);
    expect(r.s.recap.h0).toMatchObject({ changed: 3, failed: 0 });
    expect(r.execs).toHaveLength(2);
  });
});

describe("the read-only tasks right after a group of steps: their facts ride the group's exec", () => {
  const words = (execs: string[], ws: string[]) => execs.map((e) => ws.filter((w) => e.includes(`echo ${w}\n`)).join(''));

  it('facts that name no path too, after the steps, up to the first task that may change the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-after-'));
    const r = await run([
      task(stepTouch, { path: join(dir, 'a') }, { name: 'a' }),
      task(stepTouch, { path: join(dir, 'b') }, { name: 'b' }),
      task(readEcho, { word: 'x' }, { name: 'x' }),
      task(echo, { word: 'y' }, { name: 'y' }),
      task(shell, { cmd: 'true' }, { name: 'shell' }),
      task(readEcho, { word: 'w' }, { name: 'w' }),
    ]);
    expect(r.results).toEqual(['a:changed', 'b:changed', 'x:ok', 'y:ok', 'shell:changed', 'w:ok']);
    // the batch probe; a and b, then x's and y's facts in the same exec (after the steps); the shell; w's own
    expect(words(r.execs, ['x', 'y', 'w'])).toEqual(['xyw', 'xy', '', 'w']);
    expect(r.execs[1]?.indexOf('echo x\n')).toBeGreaterThan(r.execs[1]?.lastIndexOf('head -c') ?? 0);
  });

  it('what was read after the steps is dropped when a read-only task before its own applies (a wait)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-after-'));
    const r = await run([
      task(stepTouch, { path: join(dir, 'a') }, { name: 'a' }),
      task(stepTouch, { path: join(dir, 'b') }, { name: 'b' }),
      task(readEcho, { word: 'wait' }, { name: 'wait' }),
      task(readEcho, { word: 'y' }, { name: 'y' }),
    ]);
    expect(r.results).toEqual(['a:changed', 'b:changed', 'wait:ok', 'y:ok']);
    expect(words(r.execs, ['wait', 'y'])).toEqual(['waity', 'waity', 'y']);
  });

  it('not the facts of a barrier: it reads after every host reached it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-after-'));
    const r = await run([
      task(stepTouch, { path: join(dir, 'a') }, { name: 'a' }),
      task(stepTouch, { path: join(dir, 'b') }, { name: 'b' }),
      task(readEcho, { word: 'x' }, { name: 'x', barrier: true }),
    ]);
    expect(r.results).toEqual(['a:changed', 'b:changed', 'x:ok']);
    expect(words(r.execs, ['x'])).toEqual(['x', '', 'x']);
  });
});

describe('a task whose args read results runs ahead only when they are final', () => {
  it("args from a result before the lead: in the exec; args from the lead's result: after it, on its own", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ahead-'));
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, n)) as [string, string, string];
    const probe = task(echo, { word: 'hi' }, { name: 'echo' });
    const lead = task(stepTouch, { path: a }, { name: 'a' });
    const r = await run([
      probe,
      lead,
      task(stepTouch, (ctx) => ({ path: ctx.result(probe)?.status === 'ok' ? b : join(dir, 'wrong') }), { name: 'b' }),
      task(stepTouch, (ctx) => ({ path: ctx.changed(lead) ? c : join(dir, 'wrong') }), { name: 'c' }),
    ]);
    expect(r.results).toEqual(['echo:ok', 'a:changed', 'b:changed', 'c:changed']);
    expect([a, b, c].every((p) => existsSync(p))).toBe(true);
    expect(existsSync(join(dir, 'wrong'))).toBe(false);
    // the probe (its guess of b and c named another path); a, with b's probe after it (b's args read only the
    // echo's final result); b, with c's probe (c's args read a's result: final once a's exec returned); c
    const shape = r.execs.map((e) => [e.split('head -c').length - 1, [b, c].filter((p) => e.includes(`-- ${p}`)).length]);
    expect(shape).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
  });
});

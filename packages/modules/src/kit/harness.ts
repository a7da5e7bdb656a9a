import { spawnSync } from 'node:child_process';
import { isTsplayError, type ExecResult, type Plan, type PlanContext } from '@tsplay/core';
import { parseArgs, type AnyModule, type FactQuery } from '@tsplay/core/module';

/** One row of a plan table: args + fact values -> the expected plan (or the expected coded error). */
export interface PlanCase {
  name: string;
  args: unknown;
  /** The value of every fact the module asks for, by its name in `facts(args)`. */
  facts?: Record<string, unknown>;
  ctx?: Partial<PlanContext>;
  /** Matched like `toMatchObject`: only the fields given are compared. */
  plan?: Partial<Plan> & Record<string, unknown>;
  /** The plan (or the args) must fail with this code, naming this field. */
  error?: { code: string; field?: string; message?: RegExp };
}

export interface PlanOutcome {
  plan?: Plan;
  error?: { code: string; field: string | undefined; message: string };
}

/** Run one case: validate args, check that the case gives exactly the facts the module asks for, plan. */
export function planCase(module: AnyModule, c: PlanCase): PlanOutcome {
  const ctx: PlanContext = { host: 'test', check: true, become: false, ...c.ctx };
  try {
    const args = parseArgs(module, c.args);
    // The safe write's directory checks (`safe`, by directory) are 'ok' unless a case gives them.
    const asked = Object.keys(module.facts(args, ctx) as Record<string, FactQuery>);
    const facts: Record<string, unknown> = { ...c.facts };
    if (asked.includes('safe') && !('safe' in facts)) facts.safe = {};
    const wanted = asked.sort();
    const given = Object.keys(facts).sort();
    if (wanted.join() !== given.join()) {
      throw new Error(`case "${c.name}" gives facts [${given.join(', ')}] but ${module.name} asks for [${wanted.join(', ')}]`);
    }
    return { plan: module.plan(facts, args, ctx) };
  } catch (e) {
    if (!isTsplayError(e)) throw e;
    return { error: { code: e.code, field: e.field, message: e.message } };
  }
}

/** The parts of vitest the harness uses (pass `{ it, expect }`), so the kit needs no test runner at run time. */
export interface TestApi {
  it: (name: string, fn: () => void) => void;
  expect: (v: unknown) => { toMatchObject(o: object): void; toEqual(o: unknown): void; toMatch(r: RegExp): void; toBeUndefined(): void };
}

/**
 * A table-driven plan test (like pyinfra's JSON operation tests): one vitest test per case.
 * `planTable(lineinfile, cases, { it, expect })`.
 */
export function planTable(module: AnyModule, cases: readonly PlanCase[], t: TestApi): void {
  for (const c of cases) {
    t.it(c.name, () => {
      const out = planCase(module, c);
      if (c.error) {
        t.expect(out.error ? { code: out.error.code, field: out.error.field } : out.plan).toEqual({
          code: c.error.code,
          field: c.error.field,
        });
        if (c.error.message) t.expect(out.error?.message).toMatch(c.error.message);
        return;
      }
      t.expect(out.error).toBeUndefined();
      t.expect(out.plan).toMatchObject(c.plan ?? {});
    });
  }
}

/** One row of a fact table: what the probe printed -> the parsed value. */
export interface FactCase<T> {
  name: string;
  result: Partial<ExecResult>;
  value: T;
}

/** A table-driven parser test for a fact: one vitest test per recorded output. */
export function factTable<T>(fact: FactQuery<T>, cases: readonly FactCase<T>[], t: TestApi): void {
  for (const c of cases) {
    t.it(c.name, () => t.expect(fact.parse({ code: 0, stdout: '', stderr: '', ...c.result })).toEqual(c.value));
  }
}

/** What a fact's fast path and its script print on this machine (see `fastPathCase`). */
export interface FastPathOutcome {
  /** The fast path set `__q`: a probe would take its output and start no subshell. */
  answered: boolean;
  /** The fast path's stdout and stderr. */
  fast: { stdout: string; stderr: string };
  /** The script's, as the probe's subshell would run it. */
  script: ExecResult;
}

const ANSWERED = '__tsplay_fast_path_answered';

/**
 * Run a fact's fast path and its script here (`sh`, stdin closed: this machine as the host). Assert that where
 * the fast path answers, it printed exactly the script's stdout, nothing on stderr, and the script exits 0; and
 * that it does not answer where it cannot (FactSpec.fastPath).
 */
export function fastPathCase(fact: FactQuery<unknown>): FastPathOutcome {
  if (fact.fastPath === undefined) throw new Error(`fact ${fact.key} has no fast path`);
  const sh = (script: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const f = sh(`__q=\n${fact.fastPath}\n[ -z "$__q" ] || printf '%s' ${ANSWERED}`);
  const s = sh(fact.script);
  const answered = f.stdout.endsWith(ANSWERED);
  return {
    answered,
    fast: { stdout: answered ? f.stdout.slice(0, -ANSWERED.length) : f.stdout, stderr: f.stderr },
    script: { code: s.status ?? -1, stdout: s.stdout, stderr: s.stderr },
  };
}

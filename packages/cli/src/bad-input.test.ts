/**
 * Issue 9, bad-input suite: every wrong playbook argument, inventory, `-e` var or flag gives exit 1 and
 * one coded paragraph on stderr (`error[CODE]`, `file:`, `field:`, `hint:`), before any host is
 * contacted. The hosts of fixtures/bad/inventory.yaml are SSH hosts at unused lab addresses
 * (10.240.0.250/251): a run that got as far as connecting would print `run.start` and `connect`
 * events with --json, so every case asserts that stdout is empty.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARG_CASES, CLI_CASES, EXTRA_VAR_CASES, INVENTORY_CASES, type Expect } from './fixtures/bad/cases.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'bin', 'tsplay.js');
const bad = (f: string) => join(here, 'fixtures', 'bad', f);
const INV = bad('inventory.yaml');
const OK = bad('ok.ts');
let tmp: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** No ssh-agent and an empty HOME: the SSH transport finds no key, so even a run that got as far as connecting sends no packet. */
const { SSH_AUTH_SOCK: _agent, ...noAgent } = process.env;

function tsplay(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { encoding: 'utf8', timeout: 30_000, env: { ...noAgent, HOME: join(tmp, 'home'), TSPLAY_STATE_DIR: join(tmp, 'state'), ...env } },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/** `$INV`, `$OK`, `$name` (fixtures/bad/name) in the case tables; anything else as is. */
const fixture = (a: string): string => (a === '$INV' ? INV : a === '$OK' ? OK : a.startsWith('$') ? bad(a.slice(1)) : a);
const withFile = (e: Expect): Expect => (e.file ? { ...e, file: fixture(e.file) } : e);

/** The contract of a configuration error (DESIGN §5, issue 9). */
function expectConfigError(r: Result, e: Expect, what: string): void {
  const ctx = `${what}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout.slice(0, 2000)}`;
  expect(r.stdout, `nothing on stdout: no run.start, no connect event (${ctx})`).toBe('');
  expect(r.code, ctx).toBe(1);
  expect(r.stderr, ctx).toMatch(new RegExp(`^error\\[${e.code}\\]`));
  expect(r.stderr, ctx).toMatch(/\n {2}hint: \S/);
  expect(r.stderr, `no stack trace (${ctx})`).not.toMatch(/\n\s+at /);
  if (e.file) expect(r.stderr, ctx).toContain(`\n  file: ${e.file}\n`);
  if (e.field) expect(r.stderr.split('\n'), ctx).toContain(`  field: ${e.field}`);
  if (e.message) expect(r.stderr.split('\n')[0], ctx).toMatch(e.message);
  expect(r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('error[')).length, `one error paragraph (${ctx})`).toBe(1);
}

beforeAll(async () => {
  if (!existsSync(join(here, '..', 'dist', 'index.js'))) throw new Error('packages/cli is not built: run `pnpm build` (pnpm test does it)');
  tmp = mkdtempSync(join(tmpdir(), 'tsplay-bad-input-'));
  mkdirSync(join(tmp, 'home'));
  // bundle the fixtures once, so the concurrent cases below do not all race to build the same cache
  await Promise.all([tsplay(['run', OK, '-i', INV, '--check', '--limit', 'nobody']), tsplay(['run', bad('vars.ts'), '-i', INV, '--limit', 'nobody'])]);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('control: the fixture inventory is really contacted when the input is good', () => {
  it('a valid run prints run.start and a failed connect event for each host, exit 4', async () => {
    const r = await tsplay(['run', OK, '-i', INV, '--json']);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; host?: string; ok?: boolean; error?: { code: string } });
    expect(events[0]?.type).toBe('run.start');
    // AUTH_FAILED (no key at all) is decided before dialing: this control sends nothing to 10.240.0.250/251
    expect(events.filter((e) => e.type === 'connect').map((e) => [e.host, e.ok, e.error?.code]).sort()).toEqual([
      ['unreachable-0', false, 'AUTH_FAILED'],
      ['unreachable-1', false, 'AUTH_FAILED'],
    ]);
    expect(r.code).toBe(4);
  });
});

describe.concurrent('bad task arguments (a task in the second play; args are plain data)', () => {
  it.each(Object.entries(ARG_CASES))('%s', async (name, e) => {
    const r = await tsplay(['run', bad('args.ts'), '-i', INV, '--json'], { TSPLAY_BAD_CASE: name });
    expectConfigError(r, { file: bad('args.ts'), ...e }, name);
    expect(r.stderr.split('\n')[0]).toContain(name); // the task is named
  });
});

describe.concurrent('bad inventories (YAML and TS), through `inventory --list` and `run`', () => {
  it.each(Object.entries(INVENTORY_CASES))('%s', async (f, e) => {
    const want = { file: bad(`inventories/${f}`), ...e };
    const list = await tsplay(['inventory', '-i', bad(`inventories/${f}`), '--list']);
    // `inventory --list` never connects: if it accepted a bad file, stop here, before `run` could contact a bad address.
    // (A file that is only wrong for one playbook's vars schema is a valid inventory: it lists.)
    if (e.playbook) expect(list.code, list.stderr).toBe(0);
    else expectConfigError(list, want, `inventory --list ${f}`);
    expectConfigError(await tsplay(['run', e.playbook ? bad(e.playbook) : OK, '-i', bad(`inventories/${f}`), '--json']), want, `run ${f}`);
  });

  it('a TS inventory with a syntax error', async () => {
    const f = join(tmp, 'broken', 'index.ts');
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, "export default { hosts: { 'unreachable-0': { address: '10.240.0.250' } }\n");
    expectConfigError(await tsplay(['run', OK, '-i', dirname(f), '--json']), { code: 'INVENTORY_INVALID', file: f, message: /failed to load/ }, 'ts syntax');
  });
});

describe.concurrent('bad -e extra vars (playbook vars.ts, whose schema wants dir: string, port: number)', () => {
  it.each(EXTRA_VAR_CASES)('-e %j', async (item, e) => {
    const r = await tsplay(['run', bad('vars.ts'), '-i', INV, '--json', '-e', item]);
    expectConfigError(r, withFile(e), `-e ${item}`);
  });
});

describe.concurrent('bad command lines', () => {
  it.each(CLI_CASES)('%j', async (args, e) => {
    const argv = args.map(fixture);
    expectConfigError(await tsplay(argv), withFile(e), argv.join(' '));
  });

  it('a playbook with a syntax error', async () => {
    const f = join(tmp, 'syntax.ts');
    writeFileSync(f, "export default definePlaybook({ name: 'broken', plays: [ }\n");
    expectConfigError(await tsplay(['run', f, '-i', INV, '--json']), { code: 'PLAYBOOK_LOAD_FAILED', file: f }, 'syntax');
  });
});

it('counts: at least 110 distinct bad inputs are tried', () => {
  const n = Object.keys(ARG_CASES).length + Object.keys(INVENTORY_CASES).length + 1 + EXTRA_VAR_CASES.length + CLI_CASES.length + 1;
  expect(n).toBeGreaterThanOrEqual(110);
});

/**
 * Issue 9, bad-input suite: every wrong playbook argument, inventory, `-e` var or flag gives exit 1 and
 * one coded paragraph on stderr (`error[CODE]`, `file:`, `field:`, `hint:`), before any host is
 * contacted. The hosts of fixtures/bad/inventory.yaml are SSH hosts at unused lab addresses
 * (10.240.0.250/251): a run that got as far as connecting would print `run.start` and `connect`
 * events with --json, so every case asserts that stdout is empty.
 *
 * The cases run through `main` of the built CLI in two long-lived runner processes (bad-input-runner.mjs),
 * not one `node bin/tsplay.js` per case: a node start and the CLI's imports cost ~0.5 s of CPU each, 50 s
 * of a 2-core machine for this file. Each case gets its own environment, and an args.ts case its own
 * cache directory (a fresh bundle, a fresh module: it reads its TSPLAY_BAD_CASE anew); the control run and one case of every table also
 * run as real processes of bin/tsplay.js, which must answer exactly what the runner answered.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
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
const baseEnv = (): Record<string, string> => ({
  ...(noAgent as Record<string, string>),
  HOME: join(tmp, 'home'),
  TSPLAY_STATE_DIR: join(tmp, 'state'),
});

/** `node bin/tsplay.js ARGS`: a real process (the control run, and the cross-check of the runner). */
function spawnTsplay(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { encoding: 'utf8', timeout: 30_000, env: { ...baseEnv(), ...env } },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

interface Runner {
  child: ChildProcess;
  busy: number;
}
const runners: Runner[] = [];
const pending = new Map<number, (r: Result) => void>();
let nextId = 0;

/** Two runner processes (the machine has 2 cores), fed the least busy first. */
async function startRunners(n = 2): Promise<void> {
  for (let i = 0; i < n; i++) {
    // plain node: no vitest loader, no `@tsplay/source` condition (the built CLI, as bin/tsplay.js runs it)
    const child = fork(join(here, 'bad-input-runner.mjs'), [], { execArgv: [], env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const runner: Runner = { child, busy: 0 };
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the case runner exited (${code}): ${log}`)));
      child.on('message', (m: Result & { id?: number; ready?: boolean }) => {
        if (m.ready) return resolve();
        runner.busy -= 1;
        pending.get(m.id as number)?.({ code: m.code, stdout: m.stdout, stderr: m.stderr });
        pending.delete(m.id as number);
      });
    });
    runners.push(runner);
  }
}

/** `tsplay ARGS` through a runner; `env` on top of the base environment. */
function tsplay(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  const id = nextId++;
  const runner = runners.reduce((a, b) => (b.busy < a.busy ? b : a));
  runner.busy += 1;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from the case runner in 30 s: tsplay ${args.join(' ')}`)), 30_000);
    pending.set(id, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    // a playbook that reads the environment when loaded (args.ts) is bundled and imported afresh per case
    const cache = join(tmp, 'cache', env.TSPLAY_BAD_CASE === undefined ? 'shared' : String(id));
    runner.child.send({ id, argv: [...args], env: { TSPLAY_CACHE_DIR: cache, ...env } });
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
  expect(
    r.stderr
      .trimEnd()
      .split('\n')
      .filter((l) => l.startsWith('error[')).length,
    `one error paragraph (${ctx})`,
  ).toBe(1);
}

beforeAll(async () => {
  if (!existsSync(join(here, '..', 'dist', 'index.js'))) throw new Error('packages/cli is not built: run `pnpm build` (pnpm test does it)');
  tmp = mkdtempSync(join(tmpdir(), 'tsplay-bad-input-'));
  mkdirSync(join(tmp, 'home'));
  await startRunners();
});

afterAll(() => {
  for (const r of runners) r.child.kill();
  rmSync(tmp, { recursive: true, force: true });
});

describe('control: the fixture inventory is really contacted when the input is good', () => {
  it('a valid run prints run.start and a failed connect event for each host, exit 4', async () => {
    const r = await spawnTsplay(['run', OK, '-i', INV, '--json']);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; host?: string; ok?: boolean; error?: { code: string } });
    expect(events[0]?.type).toBe('run.start');
    // AUTH_FAILED (no key at all) is decided before dialing: this control sends nothing to 10.240.0.250/251
    expect(
      events
        .filter((e) => e.type === 'connect')
        .map((e) => [e.host, e.ok, e.error?.code])
        .sort(),
    ).toEqual([
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
    expectConfigError(
      await tsplay(['run', OK, '-i', dirname(f), '--json']),
      { code: 'INVENTORY_INVALID', file: f, message: /failed to load/ },
      'ts syntax',
    );
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

describe('the runner answers exactly what a process of bin/tsplay.js answers (one case of every table)', () => {
  const inv = Object.keys(INVENTORY_CASES).find((f) => f.endsWith('.ts')) ?? Object.keys(INVENTORY_CASES)[0];
  const samples: [string, string[], Record<string, string>][] = [
    ['bad task args', ['run', bad('args.ts'), '-i', INV, '--json'], { TSPLAY_BAD_CASE: Object.keys(ARG_CASES)[0] as string }],
    ['bad inventory, inventory --list', ['inventory', '-i', bad(`inventories/${inv}`), '--list'], {}],
    [
      'bad -e (the vars schema passes, the task computed from it fails)',
      ['run', bad('vars.ts'), '-i', INV, '--json', '-e', 'mode=700'],
      {},
    ],
    ['an unknown flag (parsed by yargs)', ['run', OK, '-i', INV, '--json', '--frobnicate'], {}],
    ['a missing playbook', ['run', bad('absent.ts'), '-i', INV, '--json'], {}],
  ];
  it.each(samples)('%s', async (_what, argv, env) => {
    const cache = { TSPLAY_CACHE_DIR: join(tmp, 'cache', `cross-${_what.replace(/\W+/g, '-')}`), ...env };
    const inRunner = await tsplay(argv, cache);
    const real = await spawnTsplay(argv, cache);
    expect(real.code).toBe(1);
    expect(inRunner).toEqual(real);
  });
});

it('counts: at least 110 distinct bad inputs are tried', () => {
  const n = Object.keys(ARG_CASES).length + Object.keys(INVENTORY_CASES).length + 1 + EXTRA_VAR_CASES.length + CLI_CASES.length + 1;
  expect(n).toBeGreaterThanOrEqual(110);
});

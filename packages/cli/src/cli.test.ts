import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'bin', 'tsplay.js');
const fx = (f: string) => join(here, 'fixtures', f);
const DIR = '/tmp/tsplay-cli-test';

function tsplay(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSPLAY_STATE_DIR: join(DIR, '.state') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function events(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });
}

describe('tsplay CLI (built bin, local connection)', () => {
  beforeAll(() => {
    if (!existsSync(join(here, '..', 'dist', 'index.js')))
      throw new Error('packages/cli is not built: run `pnpm build` (pnpm test does it)');
    rmSync(DIR, { recursive: true, force: true });
  });

  it('--version and --help', () => {
    expect(tsplay('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = tsplay('--help');
    expect(h.code).toBe(0);
    for (const c of ['run', 'check', 'inventory', 'check-types']) expect(h.stdout).toContain(c);
  });

  it('--check runs plan only: nothing is made, readOnly probes run, others "would run"; exit 3 with --detailed-exitcode', () => {
    const r = tsplay('run', fx('features.ts'), '-i', fx('inventory.yaml'), '--check', '--json', '--detailed-exitcode');
    expect(r.code).toBe(3);
    // nothing of the playbook's is made; the run's own state dir (0700, the workstation's) may be
    expect(existsSync(DIR) ? readdirSync(DIR).filter((e) => e !== '.state') : []).toEqual([]);
    const ev = events(r.stdout);
    const results = ev.filter((e) => e.type === 'task.result');
    expect(results.filter((e) => e.task === 'make').every((e) => e.status === 'changed' && String(e.summary).startsWith('would run'))).toBe(
      true,
    );
    expect(results.filter((e) => e.task === 'probe').every((e) => e.status === 'skipped')).toBe(true);
  });

  it('a real run converges; creates skips the second time; NDJSON parses line by line', () => {
    const first = tsplay('run', fx('features.ts'), '-i', fx('inventory.yaml'), '--json');
    expect(first.code).toBe(0);
    const made = readFileSync(join(DIR, 'one', 'made'), 'utf8');
    const second = tsplay('run', fx('features.ts'), '-i', fx('inventory.yaml'), '--json');
    expect(second.code).toBe(0);
    expect(readFileSync(join(DIR, 'one', 'made'), 'utf8')).toBe(made);
    const ev = events(second.stdout);
    expect(ev.filter((e) => e.type === 'task.result' && e.task === 'make').map((e) => e.status)).toEqual(['skipped', 'skipped', 'skipped']);
    // the readOnly probe ran for real (its stdout is the dir listing) and changed nothing
    expect(ev.filter((e) => e.type === 'task.result' && e.task === 'probe').map((e) => [e.status, e.stdout])).toEqual([
      ['ok', 'one\nthree\ntwo\n'],
      ['ok', 'one\nthree\ntwo\n'],
      ['ok', 'one\nthree\ntwo\n'],
    ]);
    expect(ev.at(-1)).toMatchObject({ type: 'recap', exitCode: 0 });
  });

  it('-e overrides vars; a failing host drops out (exit 2) while the others finish', () => {
    const r = tsplay('run', fx('features.ts'), '-i', fx('inventory.yaml'), '--json', '-e', 'failOn=two');
    expect(r.code).toBe(2);
    const ev = events(r.stdout);
    const last = ev.filter((e) => e.type === 'task.result' && e.task === 'last').map((e) => e.host);
    expect(last.sort()).toEqual(['one', 'three']);
    expect(ev.find((e) => e.type === 'task.result' && e.host === 'two' && e.status === 'failed')).toBeTruthy();
  });

  it('--limit and --tags select hosts and tasks', () => {
    rmSync(join(DIR, 'one', 'last'), { force: true });
    rmSync(join(DIR, 'two', 'last'), { force: true });
    const r = tsplay('run', fx('features.ts'), '-i', fx('inventory.yaml'), '--json', '--limit', 'odd', '--tags', 'last');
    expect(r.code).toBe(0);
    const results = events(r.stdout).filter((e) => e.type === 'task.result');
    expect(results.map((e) => `${e.task}/${e.host}`).sort()).toEqual(['last/one', 'last/three']);
    expect(existsSync(join(DIR, 'one', 'last'))).toBe(true);
    expect(existsSync(join(DIR, 'two', 'last'))).toBe(false);
    expect(statSync(join(DIR, 'three', 'last')).isFile()).toBe(true);
  });

  it('secrets never appear in NDJSON, plain output or errors', () => {
    for (const mode of [['--json'], []]) {
      const r = tsplay('run', fx('secret.ts'), '-i', fx('inventory.yaml'), '--limit', 'one', '-v', ...mode);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toContain('s3cr3t-T0KEN-value');
      expect(r.stdout).toContain('***');
    }
  });

  it.each([
    [['run', 'playbooks/missing.ts', '-i', 'x'], 'PLAYBOOK_NOT_FOUND'],
    [['run', fx('syntax-error.ts'), '-i', fx('inventory.yaml')], 'PLAYBOOK_LOAD_FAILED'],
    [['run', fx('bad-args.ts'), '-i', fx('inventory.yaml')], 'ARGS_INVALID'],
    [['run', fx('features.ts'), '-i', fx('bad-inventory.yaml')], 'INVENTORY_INVALID'],
    [['run', fx('features.ts'), '-i', fx('inventory.yaml'), '--limit', 'nobody'], 'UNKNOWN_HOST'],
    [['run', fx('features.ts'), '-i', fx('inventory.yaml'), '-e', 'novalue'], 'EXTRA_VAR_INVALID'],
    [['run', fx('features.ts'), '-i', fx('inventory.yaml'), '--forks', '0'], 'USAGE'],
    [['frobnicate'], 'USAGE'],
  ])('%j -> one coded paragraph, exit 1, no stack', (args, code) => {
    const r = tsplay(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error\\[${code}\\]`));
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad args name the task and the field', () => {
    const r = tsplay('run', fx('bad-args.ts'), '-i', fx('inventory.yaml'));
    expect(r.stderr).toContain('field: retries');
    expect(r.stderr).toContain('typo');
  });

  it('inventory --list resolves hosts and vars without contacting them', () => {
    const r = tsplay('inventory', '-i', fx('inventory.yaml'), '--list', '-e', 'dir=/elsewhere');
    expect(r.code).toBe(0);
    const inv = JSON.parse(r.stdout) as {
      hosts: Record<string, { vars: { dir: string }; connection: string }>;
      groups: Record<string, string[]>;
    };
    expect(Object.keys(inv.hosts)).toEqual(['one', 'two', 'three']);
    expect(inv.hosts.one?.vars.dir).toBe('/elsewhere');
    expect(inv.groups.odd).toEqual(['one', 'three']);
  });
});

/**
 * tsplay as a user installs it: the packages packed with `pnpm pack`, installed with npm in a temp
 * directory outside the workspace (no node_modules above it), `tsplay init`, `npm install`,
 * `tsplay check-types`, then the scaffolded playbook (file, template, command) on a local
 * inventory: check, run, re-run with 0 changed. Once with the project's own CLI, once with a
 * globally installed one (`npm i -g` of its tarball into a temporary prefix). No lab host is used.
 * npm fetches the @tsplay packages from a registry on 127.0.0.1 (registry.ts) and the rest from npm.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type LocalRegistry } from './registry.js';
import { cleanEnv, events, run } from './proc.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGES = ['core', 'modules', 'ssh', 'secrets', 'cli'];
const T = mkdtempSync(join(tmpdir(), 'tsplay-install-'));
const tarballs = join(T, 'tarballs');
let registry: LocalRegistry;
let env: NodeJS.ProcessEnv;

const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env });
const tgz = (pkg: string) => join(tarballs, readdirSync(tarballs).find((f) => f.startsWith(`tsplay-${pkg}-`)) as string);

beforeAll(async () => {
  mkdirSync(tarballs);
  for (const p of PACKAGES)
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', p), stdio: 'ignore' });
  registry = await startRegistry(PACKAGES.map(tgz));
  writeFileSync(join(T, '.npmrc'), `@tsplay:registry=${registry.url}\n`);
  env = cleanEnv({ npm_config_userconfig: join(T, '.npmrc'), XDG_CACHE_HOME: join(T, 'cache'), NO_COLOR: '1' });
});

afterAll(async () => {
  await registry?.close();
  rmSync(T, { recursive: true, force: true });
});

/** check (changes pending, nothing made), run, re-run (0 changed), with the host's own answers as the oracle. */
async function converge(tsplay: string, proj: string): Promise<void> {
  const out = join(proj, 'out');
  const tsplayRun = (...extra: string[]) =>
    run(tsplay, ['run', 'playbooks/site.ts', '-i', 'inventories/local', '--json', ...extra], { cwd: proj, env });
  const check = await tsplayRun('--check', '--detailed-exitcode');
  expect(check.code, check.stderr).toBe(3);
  expect(existsSync(out)).toBe(false);
  const first = await tsplayRun();
  expect(first.code, first.stderr).toBe(0);
  expect(statSync(out).mode & 0o7777).toBe(0o755);
  expect(readFileSync(join(out, 'motd'), 'utf8')).toBe('hello from local\n');
  expect(statSync(join(out, 'motd')).mode & 0o7777).toBe(0o644);
  expect(readFileSync(join(out, 'uname'), 'utf8')).toBe(execFileSync('uname', ['-a'], { encoding: 'utf8' }));
  const motdMtime = statSync(join(out, 'motd')).mtimeMs;
  const again = await tsplayRun();
  expect(again.code, again.stderr).toBe(0);
  const results = events(again.stdout).filter((e) => e.type === 'task.result');
  expect(results.map((e) => [e.task, e.status])).toEqual([
    ['site directory', 'ok'],
    ['motd', 'ok'],
    ['record uname once', 'skipped'],
  ]);
  expect(statSync(join(out, 'motd')).mtimeMs).toBe(motdMtime);
  // bundles live in the user's cache dir, never in the project
  expect(existsSync(join(proj, 'node_modules', '.cache', 'tsplay'))).toBe(false);
  expect(readdirSync(join(T, 'cache', 'tsplay', 'bundles')).some((f) => f.startsWith('site-'))).toBe(true);
}

async function initAndInstall(tsplay: string, proj: string): Promise<void> {
  const init = await run(tsplay, ['init', proj], { cwd: T, env });
  expect(init.code, init.stderr).toBe(0);
  for (const f of ['package.json', 'tsconfig.json', 'playbooks/site.ts', 'inventories/local/hosts.yaml', '.gitignore'])
    expect(existsSync(join(proj, f)), f).toBe(true);
  const again = await run(tsplay, ['init', proj], { cwd: T, env });
  expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('error[INIT_EXISTS]')]);
  const install = await npm(['install'], proj);
  expect(install.code, install.stderr).toBe(0);
  const types = await run(tsplay, ['check-types'], { cwd: proj, env });
  expect(types.code, types.stdout + types.stderr).toBe(0);
}

describe('installed from the packed tarballs, outside the workspace', () => {
  it('the tarballs hold only what they should, and the temp dir has no node_modules above it', () => {
    for (let d = T; d !== dirname(d); d = dirname(d)) expect(existsSync(join(dirname(d), 'node_modules')), dirname(d)).toBe(false);
    for (const p of PACKAGES) {
      const files = execFileSync('tar', ['-tzf', tgz(p)], { encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(files).toContain('package/LICENSE');
      // @tsplay/modules' README belongs to the modules' owner; the others ship one
      if (p !== 'modules') expect(files).toContain('package/README.md');
      expect(files.filter((f) => f.startsWith('package/src/'))).toEqual([]);
      const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tgz(p), 'package/package.json'], { encoding: 'utf8' })) as Record<
        string,
        unknown
      >;
      expect(JSON.stringify(pkg)).not.toMatch(/workspace:|@tsplay\/source/);
      expect(pkg.private).toBe(false);
      if (p !== 'ssh') expect(pkg.peerDependencies).toMatchObject({ zod: expect.any(String) });
    }
  });

  it("the project's own CLI: npm install @tsplay/cli, tsplay init, npm install, check-types, check / run / re-run with 0 changed", async () => {
    const tool = join(T, 'tool');
    mkdirSync(tool);
    writeFileSync(join(tool, 'package.json'), '{ "private": true }\n');
    const r = await npm(['install', '@tsplay/cli@0.1.0'], tool);
    expect(r.code, r.stderr).toBe(0);
    // the lab and zx stay out of an installed CLI
    expect(existsSync(join(tool, 'node_modules', '@tsplay', 'lab'))).toBe(false);
    expect(existsSync(join(tool, 'node_modules', 'zx'))).toBe(false);
    const proj = join(T, 'local-project');
    await initAndInstall(join(tool, 'node_modules', '.bin', 'tsplay'), proj);
    // check-types really type-checks: a wrong arg fails it
    writeFileSync(
      join(proj, 'playbooks', 'wrong.ts'),
      "import { file } from '@tsplay/modules';\nimport { task } from '@tsplay/core';\nexport const t = task(file, { path: 42 });\n",
    );
    const bad = await run(join(proj, 'node_modules', '.bin', 'tsplay'), ['check-types'], { cwd: proj, env });
    expect([bad.code, bad.stdout]).toEqual([1, expect.stringContaining('wrong.ts')]);
    rmSync(join(proj, 'playbooks', 'wrong.ts'));
    await converge(join(proj, 'node_modules', '.bin', 'tsplay'), proj);
  });

  it("a global CLI (npm i -g of its tarball, temporary prefix): init, install, check-types, check / run / re-run; the project's core runs the playbook", async () => {
    const prefix = join(T, 'global');
    const g = await npm(['install', '--global', '--prefix', prefix, tgz('cli')], T);
    expect(g.code, g.stderr).toBe(0);
    const tsplay = join(prefix, 'bin', 'tsplay');
    expect((await run(tsplay, ['--version'], { cwd: T, env })).stdout.trim()).toBe('0.1.0');
    const proj = join(T, 'global-project');
    await initAndInstall(tsplay, proj);
    await converge(tsplay, proj);
    // the bundled playbook imports the project's core, and the run passed the engine's identity check with it
    const bundle = readdirSync(join(T, 'cache', 'tsplay', 'bundles')).filter((f) => f.startsWith('site-') && f.endsWith('.mjs'));
    const texts = bundle.map((f) => readFileSync(join(T, 'cache', 'tsplay', 'bundles', f), 'utf8'));
    expect(texts.some((t) => t.includes(`${proj}/node_modules/@tsplay/core/dist/index.js`))).toBe(true);
    expect(texts.some((t) => t.includes(`${prefix}/lib/node_modules/@tsplay/cli/`))).toBe(false);
  });

  it('a global CLI runs a playbook in a directory without node_modules with its own packages', async () => {
    const bare = join(T, 'bare');
    mkdirSync(join(bare, 'inv'), { recursive: true });
    writeFileSync(join(bare, 'site.ts'), readFileSync(join(T, 'global-project', 'playbooks', 'site.ts')));
    writeFileSync(
      join(bare, 'inv', 'hosts.yaml'),
      `defaults: { connection: local }\nhosts:\n  local:\n    vars: { siteDir: ${JSON.stringify(join(bare, 'out'))} }\n`,
    );
    const r = await run(join(T, 'global', 'bin', 'tsplay'), ['run', 'site.ts', '-i', 'inv', '--check', '--json', '--detailed-exitcode'], {
      cwd: bare,
      env,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(
      events(r.stdout)
        .filter((e) => e.type === 'task.result')
        .map((e) => e.status),
    ).toEqual(['changed', 'changed', 'changed']);
    expect(existsSync(join(bare, 'out'))).toBe(false);
  });
});

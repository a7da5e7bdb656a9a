import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'bin', 'tsplay.js');
const fx = (f: string) => join(here, 'fixtures', f);
const DIR = '/tmp/tsplay-cli-options';

function tsplay(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSPLAY_STATE_DIR: join(DIR, '.state'), TSPLAY_CACHE_DIR: join(DIR, '.cache'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tsplay run options (built bin, local connection)', () => {
  it('--list-tasks / --list-hosts / --list-tags print and exit 0 without running anything', () => {
    rmSync(DIR, { recursive: true, force: true });
    const tasks = tsplay(['run', fx('features.ts'), '-i', fx('inventory.yaml'), '--list-tasks', '--skip-tags', 'last']);
    expect(tasks.code, tasks.stderr).toBe(0);
    expect(tasks.stdout).toContain('      make  tags: [make]');
    expect(tasks.stdout).not.toContain('last');
    const hosts = tsplay(['run', fx('features.ts'), '-i', fx('inventory.yaml'), '--list-hosts', '--limit', 'odd']);
    expect(hosts.stdout).toContain('hosts (2):\n      one\n      three');
    expect(tsplay(['run', fx('features.ts'), '-i', fx('inventory.yaml'), '--list-tags']).stdout).toContain(
      'tags: [fail, last, make, probe]',
    );
    expect(existsSync(join(DIR, 'one'))).toBe(false);
  });

  it('--step without a terminal is a USAGE error naming --step', () => {
    const r = tsplay(['run', fx('features.ts'), '-i', fx('inventory.yaml'), '--step']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[USAGE\]: --step/);
    expect(r.stderr).toContain('field: --step');
  });

  it("a failed command's output is indented under its host; NO_COLOR and FORCE_COLOR decide the colours", () => {
    const plain = tsplay(['run', fx('fails.ts'), '-i', fx('inventory.yaml')], { NO_COLOR: '1' });
    expect(plain.code).toBe(2);
    const lines = plain.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('FAILED: [one]'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at + 1, at + 6).join('\n')).toMatch(/^ {2}\S.*exit 3.*\n {4}\| err-line-1\n {4}\| err-line-2/);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = tsplay(['run', fx('fails.ts'), '-i', fx('inventory.yaml')], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[31mFAILED\u001b[0m');
    const off = tsplay(['run', fx('fails.ts'), '-i', fx('inventory.yaml'), '--no-color'], { FORCE_COLOR: '1' });
    expect(off.stdout).not.toContain('\u001b[');
  });

  it('`run` loads neither yargs nor zx nor the lab (the fast path)', () => {
    const hook = `export async function resolve(s, c, n) { const r = await n(s, c); if (/yargs|zx|@tsplay\\/lab|packages\\/lab/.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }`;
    const reg = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
    const args = ['--import', `data:text/javascript,${encodeURIComponent(reg)}`, bin];
    const run = spawnSync(process.execPath, [...args, 'run', fx('features.ts'), '-i', fx('inventory.yaml'), '--list-tasks'], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('LOADED');
    // the hook does see yargs where it is used, so the check above can fail
    const inv = spawnSync(process.execPath, [...args, 'inventory', '-i', fx('inventory.yaml')], { encoding: 'utf8' });
    expect(inv.stderr).toContain('LOADED');
    expect(inv.stderr).not.toMatch(/zx|lab/);
  });

  it('-i with an Ansible INI inventory and -e @vars.yml', () => {
    const inv = tsplay(['inventory', '-i', fx('hosts.ini')]);
    expect(inv.code, inv.stderr).toBe(0);
    const j = JSON.parse(inv.stdout) as {
      groups: Record<string, string[]>;
      hosts: Record<string, { connection: string; vars: Record<string, unknown> }>;
    };
    expect(j.groups).toEqual({ all: ['one', 'three', 'two'], odd: ['one', 'three'], even: ['two'] });
    expect(j.hosts.two).toMatchObject({ connection: 'local', vars: { dir: DIR } });
    const r = tsplay(['run', fx('features.ts'), '-i', fx('hosts.ini'), '--json', '--tags', 'make', '-e', `@${fx('vars.yml')}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(DIR, 'from-file', 'one', 'made'))).toBe(true);
  });
});

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'bin', 'tsplay.js');
const inventory = join(here, 'fixtures', 'inventory.yaml');

// Runs of `--persist` against a real sshd: packages/ssh/src/persist/cli.test.ts.
describe('tsplay start-up (built bin)', () => {
  it('`--version` loads neither the engine nor yargs', () => {
    const hook = `export async function resolve(s, c, n) { const r = await n(s, c); if (/yargs|@tsplay\\/core|packages\\/core/.test(r.url)) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }`;
    const reg = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
    const args = ['--import', `data:text/javascript,${encodeURIComponent(reg)}`, bin];
    const v = spawnSync(process.execPath, [...args, '--version'], { encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(v.stderr).not.toContain('LOADED');
    // the hook sees the engine where it is loaded (in this process: not the resident runner's), so the check above can fail
    const list = spawnSync(process.execPath, [...args, 'run', join(here, 'fixtures', 'features.ts'), '-i', inventory, '--list-hosts'], {
      encoding: 'utf8',
      env: { ...process.env, TSPLAY_RESIDENT: '0' },
    });
    expect(list.stderr).toContain('LOADED');
  });
});

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { task } from '@tsplay/core';
import { describe, expect, it } from 'vitest';
import { countedRun } from './testing/counted-run.js';
import { copy, file, template } from './index.js';

/** A real run of file, copy and template tasks on a local host, its execs and puts counted (each is a round trip on a real host). */
async function run(dir: string) {
  const src = join(dir, 'ca.src');
  const keySrc = join(dir, 'key.src');
  writeFileSync(src, 'ca\n');
  writeFileSync(keySrc, 'key\n');
  return countedRun([
    task(file, { path: join(dir, 'conf'), state: 'directory', mode: '0750' }, { name: 'conf dir' }),
    task(file, { path: join(dir, 'data'), state: 'directory', mode: '0700' }, { name: 'data dir' }),
    task(copy, { src, dest: join(dir, 'conf', 'ca.pem'), mode: '0644' }, { name: 'ca' }),
    task(copy, { src: keySrc, dest: join(dir, 'conf', 'key.pem'), mode: '0600', secret: true }, { name: 'key' }),
    task(template, { dest: join(dir, 'unit'), template: (v: { n: string }) => `name=${v.n}\n`, vars: { n: 'x' } }, { name: 'unit' }),
  ]);
}

describe('file, copy and template in a real run: consecutive changes in one exec', () => {
  it('a fresh run makes every file in 2 round trips, the host agrees, and a re-run is one exec with no change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-steps-'));
    const first = await run(dir);
    expect(first.results).toEqual(['conf dir:changed', 'data dir:changed', 'ca:changed', 'key:changed', 'unit:changed']);
    // the probe; then every change in one exec: ca and key (from workstation files) go into the directory conf
    // makes, planned from conf's prediction as check mode plans them, and unit
    expect(first.execs).toHaveLength(2);
    const mode = (p: string) => (statSync(join(dir, p)).mode & 0o7777).toString(8);
    expect(['conf', 'data', 'conf/ca.pem', 'conf/key.pem'].map(mode)).toEqual(['750', '700', '644', '600']);
    expect(readFileSync(join(dir, 'conf', 'key.pem'), 'utf8')).toBe('key\n');
    expect(readFileSync(join(dir, 'unit'), 'utf8')).toBe('name=x\n');
    const again = await run(dir);
    expect(again.results.every((r) => r.endsWith(':ok'))).toBe(true);
    expect(again.execs).toHaveLength(1);
  });
});

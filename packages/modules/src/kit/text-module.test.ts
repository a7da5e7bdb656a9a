import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Overlay, executeModule } from '@tsplay/core/module';
import { LocalConnection } from '@tsplay/core/transport';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { defineTextFileModule } from './text-module.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-text-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A module in one call: the file holds exactly the sorted, unique lines given. */
const sortedLines = defineTextFileModule({
  name: 'sorted_lines',
  args: z.strictObject({ path: z.string(), lines: z.array(z.string()), mode: z.string().optional() }).describe('Sorted unique lines'),
  target: (a) => ({ dest: a.path, mode: a.mode === undefined ? undefined : parseInt(a.mode, 8), secret: false, backup: false }),
  edit: (text, a) => `${[...new Set([...(text ?? '').split('\n').filter(Boolean), ...a.lines])].sort().join('\n')}\n`,
  label: 'sorted_lines',
});

describe('defineTextFileModule', () => {
  it('check predicts the new file exactly and writes nothing; apply writes it atomically; a re-run is ok', async () => {
    const conn = new LocalConnection('local');
    const args = { path: join(dir, 'list'), lines: ['b', 'a'], mode: '0640' };
    const overlay = new Overlay();
    const check = await executeModule(conn, sortedLines, args, { check: true, overlay });
    expect(check.outcome.status).toBe('changed');
    expect(overlay.path(args.path)).toMatchObject({ exists: true, type: 'file', size: 4, mode: 0o640 });
    expect(() => statSync(args.path)).toThrow();
    const run = await executeModule(conn, sortedLines, args);
    expect(run.outcome.status).toBe('changed');
    expect(readFileSync(args.path, 'utf8')).toBe('a\nb\n');
    expect(statSync(args.path).mode & 0o777).toBe(0o640);
    expect((await executeModule(conn, sortedLines, args)).outcome.status).toBe('ok');
    expect((await executeModule(conn, sortedLines, { ...args, lines: ['c'] })).outcome.status).toBe('changed');
    expect(readFileSync(args.path, 'utf8')).toBe('a\nb\nc\n');
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '@tsplay/core';
import { afterAll, describe, expect, it } from 'vitest';
import { backupName, validateCommand } from './content-apply.js';
import { DIFF_MAX_BYTES, oldContentScript, parseOldContent } from './content-facts.js';
import { readLocalFile } from './local-file.js';
import { cleanup, conn, tempDir } from './testing.js';

afterAll(cleanup);

describe('old content probe', () => {
  it.each([
    ['A\n', { kind: 'absent' }],
    [`T\n${Buffer.from('hello\nworld\n').toString('base64')}\n`, { kind: 'text', text: 'hello\nworld\n' }],
    [`T\n${Buffer.from('a\0b').toString('base64')}\n`, { kind: 'binary', size: 3 }],
    ['L 999999\n', { kind: 'large', size: 999999 }],
    ['T\n\n', { kind: 'text', text: '' }],
  ])('parses %j', (out, want) => {
    expect(parseOldContent(out)).toEqual(want);
  });

  it('reads real files through the shell script', async () => {
    const d = tempDir();
    writeFileSync(join(d, "it's"), 'x\ny\n');
    writeFileSync(join(d, 'big'), Buffer.alloc(DIFF_MAX_BYTES + 1, 97));
    // longer than one line of base64 (76 columns): the host sends it wrapped, the parser joins it
    const long = Array.from({ length: 200 }, (_, i) => `line ${i} é\n`).join('');
    writeFileSync(join(d, 'long'), long);
    const read = async (p: string) => parseOldContent((await conn.exec(oldContentScript(p))).stdout);
    expect(await read(join(d, "it's"))).toEqual({ kind: 'text', text: 'x\ny\n' });
    expect(await read(join(d, 'long'))).toEqual({ kind: 'text', text: long });
    expect(oldContentScript('/x')).not.toMatch(/\btr\b/);
    expect(await read(join(d, 'big'))).toEqual({ kind: 'large', size: DIFF_MAX_BYTES + 1 });
    expect(await read(join(d, 'missing'))).toEqual({ kind: 'absent' });
    expect(await read(d)).toEqual({ kind: 'absent' });
  });
});

describe('helpers', () => {
  it('names backups with a UTC timestamp', () => {
    expect(backupName('/etc/x.conf', new Date('2026-11-25T13:30:01.123Z'))).toBe('/etc/x.conf.20261125T133001Z~');
  });
  it('puts the staged file (a double-quoted shell variable) where validate commands say %s', () => {
    expect(validateCommand('systemd-analyze verify %s && test -s %s', '"$tsplay_s"')).toBe(
      'systemd-analyze verify "$tsplay_s" && test -s "$tsplay_s"',
    );
  });
  it('reads a local file relative to the base dir and registers secret content', () => {
    const d = tempDir();
    writeFileSync(join(d, 'k.pem'), 'line-of-a-secret-key-material\n');
    const f = readLocalFile('k.pem', d, { secret: true, field: 'src' });
    expect(f).toMatchObject({ path: join(d, 'k.pem'), size: 30 });
    expect(JSON.stringify(f)).not.toContain('line-of');
    expect(redact('key: line-of-a-secret-key-material')).toBe('key: ***');
    expect(() => readLocalFile('nope', d, { secret: false, field: 'src' })).toThrow(/cannot read local file/);
  });
});

import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownHostsIndex } from './host-key.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-kh-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = (n: number) =>
  Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, n)]).toString(
    'base64',
  );
const line = (host: string, n: number) => `${host} ssh-ed25519 ${key(n)}\n`;

describe('knownHostsIndex: parsed once while the files stay as they are', () => {
  it('gives the same index while no file changes, a new one after an append, a rewrite or a replacement', async () => {
    const f = join(dir, 'known_hosts');
    writeFileSync(f, line('a', 1));
    const first = await knownHostsIndex([f]);
    expect(await knownHostsIndex([f])).toBe(first);
    expect(first.forName('a')).toHaveLength(1);

    appendFileSync(f, line('b', 2)); // accept-new's append
    const appended = await knownHostsIndex([f]);
    expect(appended).not.toBe(first);
    expect(appended.forName('b')).toHaveLength(1);

    writeFileSync(f, line('a', 3) + line('b', 2)); // an edit to the same size: a changed key must be seen
    const edited = await knownHostsIndex([f]);
    expect(edited).not.toBe(appended);
    expect(edited.forName('a')[0]?.blob.toString('base64')).toBe(key(3));

    const other = join(dir, 'replacement');
    writeFileSync(other, line('a', 4) + line('b', 2));
    renameSync(other, f); // ssh-keygen -R writes a new file and renames it over the old one
    const replaced = await knownHostsIndex([f]);
    expect(replaced).not.toBe(edited);
    expect(replaced.forName('a')[0]?.blob.toString('base64')).toBe(key(4));
  });

  it('keys the index by the list of files: a missing file reads as empty, and appears once written', async () => {
    const a = join(dir, 'one');
    const missing = join(dir, 'not-yet');
    writeFileSync(a, line('h', 1));
    const before = await knownHostsIndex([a, missing]);
    expect(before.entries).toHaveLength(1);
    expect(await knownHostsIndex([a])).not.toBe(before);
    writeFileSync(missing, line('h', 2));
    const after = await knownHostsIndex([a, missing]);
    expect(after.forName('h').map((e) => e.file)).toEqual([a, missing]);
  });
});

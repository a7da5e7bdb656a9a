import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotificationStore } from './state.js';

const root = mkdtempSync(join(tmpdir(), 'tsplay-notify-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (p: string): number => statSync(p).mode & 0o777;

describe('NotificationStore on the workstation (issue 25: workstation state)', () => {
  it('writes its file 0600 in a 0700 directory, whatever the umask', () => {
    const dir = join(root, 'fresh', 'state');
    const old = process.umask(0o000);
    try {
      const s = new NotificationStore(dir, 'site/pb', {});
      s.add('h1', 'restart etcd');
    } finally {
      process.umask(old);
    }
    const file = join(dir, 'site_pb.notify.json');
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ h1: ['restart etcd'] });
  });

  it('tightens an existing 0755 directory and replaces an older 0644 file and a leftover 0644 temp file', () => {
    const dir = join(root, 'old');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = join(dir, 'pb.notify.json');
    writeFileSync(file, JSON.stringify({ h1: ['a'] }), { mode: 0o644 });
    writeFileSync(`${file}.tmp-${process.pid}`, 'junk', { mode: 0o644 });
    const s = new NotificationStore(dir, 'pb');
    expect(s.has('h1', 'a')).toBe(true);
    s.add('h2', 'b');
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ h1: ['a'], h2: ['b'] });
    s.clear('h1', 'a');
    expect(mode(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ h2: ['b'] });
  });

  it('a read-only store (check mode) writes nothing', () => {
    const dir = join(root, 'ro');
    const s = new NotificationStore(dir, 'pb', { readOnly: true });
    s.add('h1', 'x');
    expect(() => statSync(dir)).toThrow();
  });
});

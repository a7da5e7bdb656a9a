import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDirs, startDaemon } from './spawn-daemon.js';

const root = mkdtempSync(join(tmpdir(), 'tsplay-spawn-daemon-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('startDaemon', () => {
  it('a daemon that does not publish itself in time: false after the wait, and it was started (detached, with the dir in its env)', async () => {
    const dir = join(root, 'p', 'build');
    expect(prepareDirs(dir)).toBeUndefined();
    const mark = join(root, 'started');
    // a stand-in that records its env and never publishes
    const cmd = [
      process.execPath,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(mark)}, process.env.TSPLAY_PERSIST_DIR); setTimeout(() => {}, 3000)`,
    ];
    const t0 = Date.now();
    expect(await startDaemon(cmd, dir, 400)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    const wrote = () => existsSync(mark) && readFileSync(mark, 'utf8') !== '';
    for (let i = 0; i < 200 && !wrote(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(readFileSync(mark, 'utf8')).toBe(dir);
  });
});

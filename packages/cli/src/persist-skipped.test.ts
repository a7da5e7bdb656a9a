import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedHost } from '@tsplay/core';
import { connectHost } from './connect.js';

// Issue 25, item 7: a pre-made socket directory made root's run connect directly without a word.
const saved = process.env.TSPLAY_PERSIST_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.TSPLAY_PERSIST_DIR;
  else process.env.TSPLAY_PERSIST_DIR = saved;
  vi.restoreAllMocks();
});

describe('persistence skipped', () => {
  it('the CLI says why when the socket directory is not safe (pre-made by someone, mode 0755)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-skip-'));
    const dir = join(root, 'tsplay-0');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    process.env.TSPLAY_PERSIST_DIR = dir;
    // a port nothing listens on: the direct connection then fails, after the notice
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const host = {
      name: 'h1',
      address: '127.0.0.1',
      port,
      connection: 'ssh',
      hostKeyChecking: 'strict',
      vars: {},
      groups: [],
    } as unknown as ResolvedHost;
    await expect(connectHost(host, { persist: 60 })).rejects.toThrow();
    expect(lines.join('')).toMatch(/persistent connections skipped, connecting directly: .*tsplay-0.*has mode 755/);
    rmSync(root, { recursive: true, force: true });
  });
});

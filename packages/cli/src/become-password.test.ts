import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownCore as core } from './engine.js';
import type { Inventory, ResolvedHost } from '@tsplay/core';
import { describe, expect, it } from 'vitest';
import { withBecomeFlags } from './become-password.js';

const host = (name: string, extra: Partial<ResolvedHost> = {}): ResolvedHost => ({
  name,
  address: '10.0.0.1',
  hostKeyChecking: 'strict',
  connection: 'ssh',
  groups: [],
  vars: {},
  ...extra,
});
const inv = (hosts: ResolvedHost[]): Inventory => ({ source: 'x', hosts, groups: {} }) as unknown as Inventory;

describe('-K / --become-password-file / --become-method', () => {
  it("the file's first line becomes a Secret on every SSH host without its own; the host's own one wins", async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'bp-')), 'pw');
    writeFileSync(f, 'file-pass-123\nignored\n');
    const own = core.secret('own-pass-456');
    const out = await withBecomeFlags(
      inv([host('a'), host('b', { becomePassword: own }), host('l', { connection: 'local' })]),
      { becomePasswordFile: f, becomeMethod: 'doas' },
      core,
    );
    const [a, b, l] = out.hosts;
    expect(core.isSecret(a?.becomePassword) && a.becomePassword.reveal()).toBe('file-pass-123');
    expect(a?.becomeMethod).toBe('doas');
    expect(b?.becomePassword).toBe(own);
    expect(l?.becomePassword).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain('file-pass-123');
  });

  it('-K without a terminal is USAGE pointing at --become-password-file', async () => {
    const io = { input: Object.assign(process.stdin, {}), output: process.stderr };
    const notTty = { ...io, input: { ...io.input, isTTY: false } } as never;
    await expect(withBecomeFlags(inv([host('a')]), { askBecomePass: true }, core, notTty)).rejects.toMatchObject({
      code: 'USAGE',
      field: '--ask-become-pass',
    });
  });

  it('an unknown --become-method and an unreadable file are USAGE', async () => {
    await expect(withBecomeFlags(inv([host('a')]), { becomeMethod: 'runas' }, core)).rejects.toMatchObject({
      code: 'USAGE',
      field: '--become-method',
    });
    await expect(withBecomeFlags(inv([host('a')]), { becomePasswordFile: '/nonexistent/pw' }, core)).rejects.toMatchObject({
      code: 'USAGE',
      field: '--become-password-file',
    });
  });
});

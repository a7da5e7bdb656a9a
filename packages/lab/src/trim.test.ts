import { mkdtemp, readlink, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { maskUnits, TRIMMED_UNITS } from './trim.js';

describe('maskUnits', () => {
  test('each trimmed unit becomes a symlink to /dev/null under etc/systemd/system, replacing a unit file there', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tsplay-trim-'));
    try {
      await mkdir(join(root, 'etc/systemd/system'), { recursive: true });
      await writeFile(join(root, 'etc/systemd/system/systemd-logind.service'), '[Unit]\n');
      await maskUnits(root);
      for (const u of TRIMMED_UNITS) expect(await readlink(join(root, 'etc/systemd/system', u))).toBe('/dev/null');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('what the lab hosts and the tests need is never trimmed', () => {
    for (const keep of [
      'dbus.service',
      'dbus.socket',
      'ssh.service',
      'systemd-journald.service',
      'systemd-journald.socket',
      'systemd-user-sessions.service',
      'systemd-tmpfiles-setup.service',
    ]) {
      expect(TRIMMED_UNITS).not.toContain(keep);
    }
  });
});

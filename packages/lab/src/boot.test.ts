import { describe, expect, test } from 'vitest';
import { SUPERVISOR_SH } from './boot.js';

describe('the supervisor script', () => {
  test("makes only /proc/sys/net writable (kernel.* and vm.* are the machine's), set before nspawn runs", () => {
    const lines = SUPERVISOR_SH.split('\n');
    const env = lines.filter((l) => l.includes('SYSTEMD_NSPAWN_API_VFS_WRITABLE'));
    expect(env).toEqual(['export SYSTEMD_NSPAWN_API_VFS_WRITABLE=network']);
    expect(lines.indexOf(env[0]!)).toBeLessThan(lines.findIndex((l) => l.includes('systemd-nspawn --quiet')));
  });
});

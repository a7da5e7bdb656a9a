import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ensureKernelLimits, inotifyNeeds, kernelLimitNeeds, PID_MAX } from './limits.js';
import { MAX_HOSTS } from './paths.js';

describe('inotifyNeeds', () => {
  test('grows with the hosts, above the 4 instances a trimmed host holds, and above the default 128 at 200 hosts', () => {
    const three = inotifyNeeds(3);
    const many = inotifyNeeds(200);
    expect(many.instances).toBeGreaterThan(200 * 4 + 128);
    expect(many.instances).toBeGreaterThan(three.instances);
    expect(many.watches).toBeGreaterThan(three.watches);
  });
});

describe('kernelLimitNeeds', () => {
  const need = (hosts: number, suffix: string): number => kernelLimitNeeds(hosts).find(([p]) => p.endsWith(suffix))?.[1] ?? NaN;

  test('at 3 hosts nothing above the kernel defaults (pid_max 32768, gc_thresh2 512, gc_thresh3 1024)', () => {
    expect(need(3, 'kernel/pid_max')).toBe(32_768);
    expect(need(3, 'ipv4/neigh/default/gc_thresh2')).toBe(512);
    expect(need(3, 'ipv4/neigh/default/gc_thresh3')).toBe(1_024);
  });

  test('at MAX_HOSTS: room for every host twice in the one neighbour table, and 40+ tasks per host', () => {
    expect(need(MAX_HOSTS, 'ipv4/neigh/default/gc_thresh3')).toBeGreaterThanOrEqual(4 * MAX_HOSTS);
    expect(need(MAX_HOSTS, 'ipv6/neigh/default/gc_thresh3')).toBeGreaterThanOrEqual(4 * MAX_HOSTS);
    expect(need(MAX_HOSTS, 'ipv4/neigh/default/gc_thresh2')).toBeGreaterThanOrEqual(2 * MAX_HOSTS);
    expect(need(MAX_HOSTS, 'kernel/pid_max')).toBeGreaterThanOrEqual(40 * MAX_HOSTS);
    expect(need(MAX_HOSTS, 'inotify/max_user_instances')).toBeGreaterThan(4 * MAX_HOSTS);
  });
});

describe('ensureKernelLimits', () => {
  test('raises a limit below the need, keeps one above it, skips one this kernel lacks; logs what it raised', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-limits-'));
    const low = join(dir, 'low');
    const high = join(dir, 'high');
    writeFileSync(low, '100\n');
    writeFileSync(high, '9000\n');
    const log: string[] = [];
    ensureKernelLimits(7, (l) => log.push(l), [
      [low, 500],
      [high, 500],
      [join(dir, 'absent'), 500],
    ]);
    expect(readFileSync(low, 'utf8')).toBe('500\n');
    expect(readFileSync(high, 'utf8')).toBe('9000\n');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/from 100 to 500 \(7 hosts\)/);
    expect(PID_MAX).toBe('/proc/sys/kernel/pid_max');
  });
});

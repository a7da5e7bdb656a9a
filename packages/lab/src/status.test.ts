import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { findLabHost } from './exec.js';
import { labHostExec } from './exec.js';
import { labHost } from './paths.js';
import { requireLab } from './status.js';
import { writeState } from './state.js';

describe('requireLab without a lab', () => {
  const saved = process.env['TSPLAY_LAB_DIR'];
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-nolab-'));
    process.env['TSPLAY_LAB_DIR'] = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['TSPLAY_LAB_DIR'];
    else process.env['TSPLAY_LAB_DIR'] = saved;
  });

  test('throws LAB_NOT_UP with the hint at once', () => {
    expect(() => requireLab()).toThrow(expect.objectContaining({ code: 'LAB_NOT_UP', hint: expect.stringContaining('tsplay lab up') }));
  });

  test('a state file whose processes are gone is not a running lab', async () => {
    await writeState(join(dir, 'lab.json'), { phase: 'up', hosts: 3, startedAt: 'x', fileServerPid: 999_999_999, tarballSha256: 'ab' });
    expect(() => requireLab()).toThrow(expect.objectContaining({ code: 'LAB_NOT_UP' }));
  });

  test('labHostExec fails fast without connecting', async () => {
    const t0 = Date.now();
    await expect(labHostExec(0, 'true')).rejects.toMatchObject({ code: 'LAB_NOT_UP' });
    expect(Date.now() - t0).toBeLessThan(10_000); // generous on a loaded machine: a connect attempt would wait for its timeout
  });
});

describe('findLabHost', () => {
  const hosts = [0, 1, 2].map(labHost);
  test('by index, name or address; UNKNOWN_HOST otherwise', () => {
    expect(findLabHost(hosts, 1).name).toBe('controller-1');
    expect(findLabHost(hosts, 'controller-2').index).toBe(2);
    expect(findLabHost(hosts, '10.240.0.10').index).toBe(0);
    expect(() => findLabHost(hosts, 'controller-9')).toThrow(expect.objectContaining({ code: 'UNKNOWN_HOST' }));
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './dial.js';
import { resolveTarget } from './resolve.js';
import { lookupSshConfig } from './ssh-config.js';

const CONFIG =
  'Host slow-*\n  ConnectionAttempts 4\nHost bad-zero\n  ConnectionAttempts 0\nHost bad-word\n  ConnectionAttempts=many\nHost *\n  ConnectionAttempts 2\n';

describe('connectionAttempts from ssh config and the spec', () => {
  it('parses ConnectionAttempts (first match wins; 0 and words are ignored, as invalid)', () => {
    expect(lookupSshConfig(CONFIG, 'slow-1').connectionAttempts).toBe(4);
    expect(lookupSshConfig(CONFIG, 'other').connectionAttempts).toBe(2);
    expect(lookupSshConfig('Host bad\n  ConnectionAttempts 0\n', 'bad').connectionAttempts).toBeUndefined();
    expect(lookupSshConfig('Host bad\n  ConnectionAttempts=many\n', 'bad').connectionAttempts).toBeUndefined();
    expect(lookupSshConfig('', 'x').connectionAttempts).toBeUndefined();
  });

  it('resolves the spec over ssh config over the default 1', () => {
    const home = mkdtempSync(join(tmpdir(), 'tsplay-attempts-'));
    const sshConfigPath = join(home, 'ssh_config');
    writeFileSync(sshConfigPath, 'Host slow\n  ConnectionAttempts 4\n');
    const opts = { home, env: {}, localUser: 'u' };
    expect(resolveTarget({ name: 'a', address: 'slow', sshConfigPath }, opts).connectionAttempts).toBe(4);
    expect(resolveTarget({ name: 'a', address: 'slow', sshConfigPath, connectionAttempts: 2 }, opts).connectionAttempts).toBe(2);
    expect(resolveTarget({ name: 'a', address: 'fast', sshConfigPath }, opts).connectionAttempts).toBe(1);
  });

  it('waits attempt × 1 s plus up to 500 ms of jitter between attempts', () => {
    expect(retryDelayMs(1, () => 0)).toBe(1000);
    expect(retryDelayMs(2, () => 0.999)).toBe(2499);
    expect(retryDelayMs(3, () => 0.5)).toBe(3250);
  });
});

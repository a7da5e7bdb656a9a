import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { withRemoteTimeout } from './remote-timeout.js';

/** Run the wrapper as sshd would hand it to the login shell; `path` is the PATH it finds programs on. */
function run(wrapped: string, path = process.env['PATH'] ?? '/usr/bin:/bin') {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', ['-c', wrapped], { encoding: 'utf8', env: { PATH: path } });
  return { code: r.status, stdout: r.stdout, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

describe('the host-side timeout backstop', () => {
  test('sends the command once', () => {
    const cmd = "printf '%s\\n' 'a unique marker 7f3c'";
    expect(withRemoteTimeout(cmd, 1000).split('a unique marker 7f3c')).toHaveLength(2);
  });

  test('runs the command with its quoting, output and exit code intact', () => {
    const r = run(withRemoteTimeout(`printf '%s|' "$0" 'it'"'"'s' ; exit 7`, 5000));
    expect(r.stdout).toBe("/bin/sh|it's|");
    expect(r.code).toBe(7);
  });

  test('ends a command that outlives it (coreutils timeout: exit 124)', () => {
    const r = run(withRemoteTimeout('sleep 30', 100));
    expect(r.code).toBe(124);
    expect(r.ms).toBeLessThan(20_000); // far below the 30 s sleep, on one clock
  });

  test('without timeout(1) on the host the command still runs, as it is', () => {
    // a PATH with no coreutils: `command -v timeout` fails, /bin/sh is named by its absolute path
    const r = run(withRemoteTimeout('echo ran; exit 3', 100), '/nonexistent');
    expect(r.stdout).toBe('ran\n');
    expect(r.code).toBe(3);
  });
});

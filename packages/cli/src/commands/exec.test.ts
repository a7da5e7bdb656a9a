import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execCommand, formatHostExec } from './exec.js';

function inventory(): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-exec-'));
  const file = join(dir, 'hosts.yaml');
  writeFileSync(file, 'defaults: { connection: local }\nhosts:\n  a: { vars: {} }\n  b: {}\n  c: {}\ngroups:\n  ab: { hosts: [a, b] }\n');
  return { file, dir };
}

describe('tsplay exec', () => {
  it('runs the command on every matched host and prints each host with its output and exit code', async () => {
    const { file, dir } = inventory();
    let out = '';
    const code = await execCommand(
      {
        inventory: file,
        pattern: 'ab',
        command: ['sh', '-c', 'echo "$0" >> "$1"; echo out; echo err >&2', 'x y', join(dir, 'log')],
        forks: 5,
      },
      (s) => (out += s),
    );
    expect(code).toBe(0);
    // both hosts ran it (each appended one line), c did not
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('x y\nx y\n');
    expect(
      out
        .split('\n')
        .filter((l) => l.endsWith('| rc=0'))
        .sort(),
    ).toEqual(['a | rc=0', 'b | rc=0']);
    expect(out).toContain('  out\n');
    expect(out).toContain('  ! err\n');
  });

  it('a non-zero exit is exit code 2 and shows rc=N under that host', async () => {
    const { file } = inventory();
    let out = '';
    expect(await execCommand({ inventory: file, pattern: 'c', command: ['sh', '-c', 'exit 7'], forks: 1 }, (s) => (out += s))).toBe(2);
    expect(out).toBe('c | rc=7\n');
  });

  it('no command, or a pattern that matches nothing, is a coded error', async () => {
    const { file } = inventory();
    await expect(execCommand({ inventory: file, pattern: 'all', command: [], forks: 1 }, () => undefined)).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(execCommand({ inventory: file, pattern: 'nobody', command: ['true'], forks: 1 }, () => undefined)).rejects.toMatchObject({
      code: 'UNKNOWN_HOST',
    });
  });

  it('formatHostExec: unreachable hosts and colours', () => {
    expect(formatHostExec({ host: 'h', code: 'unreachable', stdout: '', stderr: 'error[UNREACHABLE]: no route' }, false)).toBe(
      'h | UNREACHABLE\n  ! error[UNREACHABLE]: no route',
    );
    expect(formatHostExec({ host: 'h', code: 0, stdout: 'x\n', stderr: '' }, true)).toBe('\u001b[32mh | rc=0\u001b[0m\n  x');
  });
});

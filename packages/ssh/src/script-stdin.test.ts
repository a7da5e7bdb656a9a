import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_ARGV_SCRIPT, SCRIPT_FROM_STDIN, scriptOnStdin } from './script-stdin.js';

describe('scriptOnStdin', () => {
  it('keeps a short command, and any command with stdin of its own, as it is', () => {
    expect(scriptOnStdin('echo hi', undefined)).toEqual({ command: 'echo hi', stdin: undefined });
    const long = `echo ${'x'.repeat(MAX_ARGV_SCRIPT)}`;
    expect(scriptOnStdin(long, 'data')).toEqual({ command: long, stdin: 'data' });
    expect(scriptOnStdin(long, Buffer.alloc(0))).toEqual({ command: long, stdin: Buffer.alloc(0) });
  });

  it('moves a long command without stdin into stdin (counted in bytes, not characters)', () => {
    const ascii = 'x'.repeat(MAX_ARGV_SCRIPT);
    expect(scriptOnStdin(ascii, undefined).command).toBe(ascii);
    const multi = 'é'.repeat(MAX_ARGV_SCRIPT / 2 + 1);
    expect(scriptOnStdin(multi, undefined)).toEqual({ command: SCRIPT_FROM_STDIN, stdin: multi });
  });

  it('the short command runs the script in sh as sh -c did: output, exit code, quoting, stdin at its end', () => {
    const script = [
      `# ${'pad '.repeat(MAX_ARGV_SCRIPT)}`,
      `printf '%s|' "a b" 'c"d' "$(echo nested)"`,
      'read -r x || echo eof',
      'exit 5',
    ].join('\n');
    const sent = scriptOnStdin(script, undefined);
    const run = (cmd: string, input: string) => {
      try {
        return { out: execFileSync('sh', ['-c', cmd], { input, encoding: 'utf8' }), code: 0 };
      } catch (e) {
        const x = e as { stdout: string; status: number };
        return { out: x.stdout, code: x.status };
      }
    };
    const viaStdin = run(sent.command, String(sent.stdin));
    expect(viaStdin).toEqual(run(script, ''));
    expect(viaStdin).toEqual({ out: 'a b|c"d|nested|eof\n', code: 5 });
  });
});

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_ARGV_SCRIPT, SCRIPT_FROM_STDIN, scriptAsStdin, scriptOnStdin } from './script-stdin.js';

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
    expect(scriptOnStdin(multi, undefined)).toEqual({ command: SCRIPT_FROM_STDIN, stdin: scriptAsStdin(multi) });
  });

  const run = (cmd: string, input: string) => {
    try {
      return { out: execFileSync('sh', ['-c', cmd], { input, encoding: 'utf8' }), code: 0 };
    } catch (e) {
      const x = e as { stdout: string; status: number };
      return { out: x.stdout, code: x.status };
    }
  };
  const viaStdin = (script: string) => {
    const sent = scriptOnStdin(script, undefined);
    expect(sent.command).toBe(SCRIPT_FROM_STDIN);
    return run(sent.command, String(sent.stdin));
  };
  const pad = `# ${'pad '.repeat(MAX_ARGV_SCRIPT)}`;

  it('the short command runs the script in sh as sh -c did: output, exit code, quoting, stdin at its end', () => {
    const script = [pad, `printf '%s|' "a b" 'c"d' "$(echo nested)"`, 'read -r x || echo eof', 'exit 5'].join('\n');
    expect(viaStdin(script)).toEqual(run(script, ''));
    expect(viaStdin(script)).toEqual({ out: 'a b|c"d|nested|eof\n', code: 5 });
  });

  it("what the script runs finds stdin at its end, not the script's own later lines (beyond the shell's first read)", () => {
    const script = ['echo first', 'cat', pad, pad, pad, pad, 'echo "args $#"', '# the end: a comment without a newline'].join('\n');
    expect(viaStdin(script)).toEqual({ out: 'first\nargs 0\n', code: 0 });
  });

  it('a script that does not parse runs none of its commands; its last status is the exit code, as before', () => {
    const broken = viaStdin(['echo ran', pad, 'if then'].join('\n'));
    expect(broken.out).toBe('');
    expect(broken.code).not.toBe(0);
    expect(viaStdin([pad, 'false'].join('\n'))).toEqual({ out: '', code: 1 });
    expect(viaStdin([pad, 'cat <<EOF', 'a } b', '}', 'EOF'].join('\n'))).toEqual({ out: 'a } b\n}\n', code: 0 });
  });
});

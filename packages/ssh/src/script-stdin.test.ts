import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_ARGV_SCRIPT, SCRIPT_FROM_STDIN, scriptAhead, scriptAsStdin, scriptOnStdin } from './script-stdin.js';

describe('scriptOnStdin', () => {
  it('keeps a short command as it is, with or without stdin of its own', () => {
    expect(scriptOnStdin('echo hi', undefined)).toEqual({ command: 'echo hi', stdin: undefined });
    expect(scriptOnStdin('cat', 'data')).toEqual({ command: 'cat', stdin: 'data' });
  });

  it('puts a long command with stdin of its own ahead of that stdin, its byte count on the short command', () => {
    const long = `echo ${'é'.repeat(MAX_ARGV_SCRIPT)}`;
    const sent = scriptOnStdin(long, 'data');
    const script = Buffer.from(scriptAsStdin(long), 'utf8');
    expect(sent.command).toBe(scriptAhead(script.length));
    expect(Buffer.byteLength(sent.command)).toBeLessThan(100);
    expect(sent.stdin).toEqual(Buffer.concat([script, Buffer.from('data')]));
    expect(scriptOnStdin(long, Buffer.alloc(0)).stdin).toEqual(script);
  });

  it('moves a long command without stdin into stdin (counted in bytes, not characters)', () => {
    const ascii = 'x'.repeat(MAX_ARGV_SCRIPT);
    expect(scriptOnStdin(ascii, undefined).command).toBe(ascii);
    const multi = 'é'.repeat(MAX_ARGV_SCRIPT / 2 + 1);
    expect(scriptOnStdin(multi, undefined)).toEqual({ command: SCRIPT_FROM_STDIN, stdin: scriptAsStdin(multi) });
  });

  const runIn = (shell: string, cmd: string, input: string | Buffer) => {
    try {
      return { out: execFileSync(shell, ['-c', cmd], { input, encoding: 'utf8' }), code: 0 };
    } catch (e) {
      const x = e as { stdout: string; status: number };
      return { out: x.stdout, code: x.status };
    }
  };
  const run = (cmd: string, input: string) => runIn('sh', cmd, input);
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

  // the shells a host's /bin/sh may be: dash (Debian's sh) and bash (elsewhere)
  const shells = ['sh', 'dash', 'bash'];
  const ahead = (shell: string, script: string, own: Buffer) => {
    const sent = scriptOnStdin(script, own);
    expect(sent.command).toBe(scriptAhead(Buffer.byteLength(scriptAsStdin(script))));
    return runIn(shell, sent.command, sent.stdin as Buffer);
  };
  const content = Buffer.concat([Buffer.from('line one\n\nno newline at the end: { } \' " $x'), Buffer.from([0xe9, 0x0a])]);

  it.each(shells)('with stdin of its own (%s): the script reads exactly that stdin, as it would on the command line', (shell) => {
    const n = content.length;
    const script = [
      pad,
      `a=$(head -c ${n} | od -An -c)`,
      'rest=$(cat | wc -c)',
      `printf '%s|%s|%s\\n' "$a" "$rest" "\${__tsplay_script-unset}"`,
      'exit 3',
    ].join('\n');
    const direct = runIn(shell, script, content);
    expect(direct.code).toBe(3);
    expect(direct.out).toContain('|0|unset');
    expect(ahead(shell, script, content)).toEqual(direct);
  });

  it.each(shells)('with stdin of its own (%s): a script that came short or does not parse runs none of its commands', (shell) => {
    const script = ['echo ran', pad, 'echo end'].join('\n');
    const sent = scriptOnStdin(script, content);
    const whole = sent.stdin as Buffer;
    expect(runIn(shell, sent.command, whole)).toEqual({ out: 'ran\nend\n', code: 0 });
    const cut = runIn(shell, sent.command, whole.subarray(0, whole.length - content.length - 3));
    expect(cut.out).toBe('');
    expect(cut.code).not.toBe(0);
    const broken = ahead(shell, ['echo ran', pad, 'if then'].join('\n'), content);
    expect(broken.out).toBe('');
    expect(broken.code).not.toBe(0);
  });
});

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { becomeStdin, checkBecome, usesBecome, wrapCommand, type BecomeSpec } from './become.js';
import { TsplayError } from './errors.js';

/**
 * A stand-in for sudo: logs its argv, answers `-n ... true` as the rule says (NOPASSWD or not),
 * reads the password line for `-S` and checks it, then runs the command after `--`.
 */
function fakeSudo(dir: string, nopasswd: boolean, password: string): string {
  const p = join(dir, 'sudo');
  writeFileSync(
    p,
    `#!/bin/sh
printf '%s\\n' "$*" >> ${dir}/argv
case " $* " in *" true "*) ${nopasswd ? 'exit 0' : 'echo "sudo: a password is required" >&2; exit 1'};; esac
case " $* " in *" -S "*) IFS= read -r pw; [ "$pw" = '${password}' ] || { echo "sudo: 1 incorrect password attempt" >&2; exit 1; };; esac
while [ "$1" != "--" ]; do shift; done; shift
exec "$@"
`,
  );
  chmodSync(p, 0o755);
  return p;
}

function run(cmd: string, stdin: string | Buffer | undefined): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { input: stdin ?? '', encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('become with a password', () => {
  const pw = 'hunter2-correct-horse';
  for (const nopasswd of [false, true]) {
    it(`sends the password on stdin only, and the command sees its own stdin (${nopasswd ? 'NOPASSWD rule' : 'password rule'})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'become-'));
      const spec: BecomeSpec = { password: pw, exe: fakeSudo(dir, nopasswd, pw) };
      const cmd = wrapCommand('cat; echo done', { become: 'app' }, false, spec);
      expect(cmd).not.toContain(pw);
      const r = run(cmd, becomeStdin('line one\nline two\n', spec, true));
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('line one\nline two\ndone\n');
      const argv = readFileSync(join(dir, 'argv'), 'utf8');
      expect(argv).not.toContain(pw);
      expect(argv).toContain('-u app');
    });
  }

  it('a wrong password is BECOME_FAILED naming the refusal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'become-'));
    const spec: BecomeSpec = { password: 'wrong', exe: fakeSudo(dir, false, pw) };
    const r = run(wrapCommand('echo hi', { become: true }, false, spec), becomeStdin(undefined, spec, true));
    expect(r.code).not.toBe(0);
    const e = (() => {
      try {
        checkBecome({ code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr }, 'h1');
      } catch (x) {
        return x as TsplayError;
      }
    })();
    expect(e?.code).toBe('BECOME_FAILED');
    expect(e?.message).toMatch(/refused the become password/);
  });

  it('without a password: sudo -n and stdin untouched', () => {
    expect(wrapCommand('id', { become: true })).toBe('sudo -n -- /bin/sh -c id');
    expect(becomeStdin('x', {}, true)).toBe('x');
    expect(becomeStdin('x', { password: 'p' }, false)).toBe('x');
  });

  it('root needs no become; a user other than root does', () => {
    expect(usesBecome({ become: true }, true)).toBe(false);
    expect(usesBecome({ become: 'app' }, true)).toBe(true);
    expect(wrapCommand('id', { become: true }, true, { password: pw })).toBe('id');
  });

  it('doas and su without a password: doas -n, and su never gets the command stdin', () => {
    expect(wrapCommand('id', { become: 'app' }, false, { method: 'doas' })).toBe('doas -n -u app /bin/sh -c id');
    expect(wrapCommand('id', { become: true }, false, { method: 'su' })).toBe(
      "{ su root -s /bin/sh -c 'exec 0<&3 3<&-; id' </dev/null; } 3<&0",
    );
  });

  it('a missing password is BECOME_FAILED with the -K hint', () => {
    expect(() => checkBecome({ code: 1, stdout: '', stderr: 'sudo: a password is required\n' }, 'h1')).toThrow(/needs a password/);
  });
});

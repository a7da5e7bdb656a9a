import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { becomeStdin, checkBecome, withBecomeMethod, wrapCommand, type BecomeSpec } from './become.js';
import type { Connection, ExecOptions } from './connection.js';
import { TsplayError } from './errors.js';

const PW = 'hunter2 correct horse';

/**
 * A stand-in for util-linux su: logs its argv, prompts on stderr and reads the password with one big
 * read() from stdin as PAM does (it would swallow whatever follows the password in the pipe), then runs
 * the command with /bin/sh.
 */
function fakeSu(dir: string): string {
  const p = join(dir, 'su');
  writeFileSync(
    p,
    `#!/bin/sh
printf '%s\\n' "$*" >> ${dir}/argv
printf 'Password: ' >&2
pw=$(dd bs=65536 count=1 2>/dev/null | head -n 1)
[ "$pw" = '${PW}' ] || { echo "su: Authentication failure" >&2; exit 1; }
shift 3; exec /bin/sh "$@"
`,
  );
  chmodSync(p, 0o755);
  return p;
}

/** A stand-in for doas: `-n` fails (a password rule), else it prompts on /dev/tty with echo off and reads the password there. */
function fakeDoas(dir: string, nopass = false): string {
  const p = join(dir, 'doas');
  writeFileSync(
    p,
    `#!/bin/sh
printf '%s\\n' "$*" >> ${dir}/argv
if [ "$1" = -n ]; then ${nopass ? 'shift' : 'echo "doas: Authentication required" >&2; exit 1'}; else
  exec 9<>/dev/tty || exit 1
  stty -echo <&9; printf 'doas (fake) password: ' >&9; IFS= read -r pw <&9; stty echo <&9; printf '\\n' >&9
  [ "$pw" = '${PW}' ] || { echo "doas: Authentication failed" >&2; exit 1; }
fi
[ "$1" = -u ] && shift 2
exec "$@"
`,
  );
  chmodSync(p, 0o755);
  return p;
}

function run(cmd: string, stdin: string | Buffer | undefined): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { input: stdin ?? '' });
  return { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

function refusal(r: { code: number; stderr: string }, spec: BecomeSpec): TsplayError | undefined {
  try {
    checkBecome({ code: r.code, stdout: '', stderr: r.stderr }, 'h1', spec);
  } catch (e) {
    return e as TsplayError;
  }
  return undefined;
}

/** Every byte value, more than a pipe buffer: the command must get exactly this on its stdin. */
const payload = Buffer.concat([Buffer.from([...Array(256).keys()]), Buffer.alloc(70_000, 0x61)]);
const echoBack = 'id -u >/dev/null; cat; echo to-stderr >&2; exit 3';

describe('su and doas with a password (stdin only)', () => {
  for (const method of ['su', 'doas'] as const) {
    it(`${method}: the password is read first, the command gets its own stdin, stdout and stderr, and its exit code`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'become-'));
      const spec: BecomeSpec = { method, password: PW, exe: method === 'su' ? fakeSu(dir) : fakeDoas(dir) };
      const cmd = wrapCommand(echoBack, { become: 'app' }, false, spec);
      expect(cmd).not.toContain(PW);
      const r = run(cmd, becomeStdin(payload, spec, true));
      const checked = checkBecome({ code: r.code, stdout: '', stderr: r.stderr }, 'h1', spec);
      expect(r.code).toBe(3);
      expect(r.stdout.equals(payload)).toBe(true);
      expect(checked.stderr).toBe('to-stderr\n');
      expect(readFileSync(join(dir, 'argv'), 'utf8')).not.toContain(PW);
      expect(r.stdout.includes(PW) || r.stderr.includes(PW)).toBe(false);
    });

    it(`${method}: a wrong password is BECOME_FAILED, without the password or the command's output`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'become-'));
      const spec: BecomeSpec = { method, password: 'wrong-one', exe: method === 'su' ? fakeSu(dir) : fakeDoas(dir) };
      const r = run(wrapCommand('echo ran', { become: true }, false, spec), becomeStdin('data\n', spec, true));
      expect(r.stdout.toString()).toBe('');
      const e = refusal(r, spec);
      expect(e?.code).toBe('BECOME_FAILED');
      expect(e?.message).toBe(`${method} refused the become password`);
      expect(JSON.stringify(e)).not.toContain('wrong-one');
    });
  }

  it('su without a password never reads the command stdin as a password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'become-'));
    const spec: BecomeSpec = { method: 'su', exe: fakeSu(dir) };
    const r = run(wrapCommand('cat', { become: true }, false, spec), `${PW}\n`);
    expect(r.stdout.toString()).toBe('');
    expect(refusal(r, spec)?.message).toBe('su needs the password of the user to become');
  });

  it('doas: a nopass rule (doas -n works) runs directly, the password line is dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'become-'));
    const spec: BecomeSpec = { method: 'doas', password: PW, exe: fakeDoas(dir, true) };
    const r = run(wrapCommand('cat', { become: true }, false, spec), becomeStdin('mine\n', spec, true));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.toString()).toBe('mine\n');
    expect(
      readFileSync(join(dir, 'argv'), 'utf8')
        .trim()
        .split('\n')
        .every((l) => l.startsWith('-n ')),
    ).toBe(true);
  });

  it('doas without a password rule match: coded refusals', () => {
    expect(refusal({ code: 1, stderr: 'doas: Authentication required\n' }, { method: 'doas' })?.message).toMatch(/doas needs a password/);
    expect(refusal({ code: 1, stderr: 'doas: Operation not permitted\n' }, { method: 'doas' })?.message).toMatch(
      /no rule of \/etc\/doas.conf/,
    );
    expect(refusal({ code: 127, stderr: 'sh: 1: script: not found\n' }, { method: 'doas', password: PW })?.message).toMatch(
      /not installed/,
    );
  });

  it('su with a password: a command that fails on its own is not a refusal, even when it prints su-like text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'become-'));
    const spec: BecomeSpec = { method: 'su', password: PW, exe: fakeSu(dir) };
    const r = run(
      wrapCommand('echo "su: Authentication failure" >&2; exit 1', { become: true }, false, spec),
      becomeStdin(undefined, spec, true),
    );
    expect(refusal(r, spec)).toBeUndefined();
    expect(checkBecome({ code: r.code, stdout: '', stderr: r.stderr }, 'h1', spec).stderr).toBe('su: Authentication failure\n');
  });
});

describe('withBecomeMethod: a play or task method on every call', () => {
  it('adds becomeMethod to exec, put, read, stat and hold; nothing without a method', async () => {
    const seen: unknown[] = [];
    const conn: Connection = {
      host: 'h1',
      exec: async (_c: string, o?: ExecOptions) => (seen.push(o), { code: 0, stdout: '', stderr: '' }),
      put: async (_p, _d, o) => void seen.push(o),
      read: async (_p, o) => (seen.push(o), Buffer.alloc(0)),
      stat: async (_p, o) => (seen.push(o), { exists: false }),
      hold: async (_c, o) => (
        seen.push({ ...o, ready: undefined }), { stdout: '', ended: Promise.resolve(), release: async () => undefined }
      ),
      close: async () => undefined,
    };
    expect(withBecomeMethod(conn, undefined)).toBe(conn);
    const v = withBecomeMethod(conn, 'doas');
    await v.exec('id', { become: true });
    await v.put('/x', 'y', { become: 'app' });
    await v.read('/x', { become: true });
    await v.stat('/x');
    await v.hold?.('cat', { become: true, ready: () => true });
    expect(seen).toEqual([
      { become: true, becomeMethod: 'doas' },
      { become: 'app', becomeMethod: 'doas' },
      { become: true, becomeMethod: 'doas' },
      { becomeMethod: 'doas' },
      { become: true, becomeMethod: 'doas', ready: undefined },
    ]);
  });

  it("a call's method wins over the host's in wrapCommand", () => {
    expect(wrapCommand('id', { become: true, becomeMethod: 'doas' }, false, { method: 'sudo' })).toBe('doas -n /bin/sh -c id');
    expect(wrapCommand('id', { become: true }, false, { method: 'doas' })).toBe('doas -n /bin/sh -c id');
  });
});

/**
 * Fuzzing the `sh` quoting helper against real shells (issue 9, security): thousands of generated
 * strings (quotes, newlines, `$()`, backticks, control characters, unicode, long strings) must each
 * arrive as exactly one literal argument in /bin/sh, bash and dash, in the C and UTF-8 locales, and
 * through the nested `sudo -n -- /bin/sh -c '...'` form that `wrapCommand` builds for become.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapCommand } from './become.js';
import { LocalConnection } from './local.js';
import { argv, quote, sh } from './sh.js';

/** mulberry32: a small seeded PRNG, so every failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "'",
  '"',
  '`',
  '\\',
  '$',
  '$(',
  ')',
  '$(id)',
  '`id`',
  '${HOME}',
  '$HOME',
  '$1',
  '$@',
  '$*',
  '$$',
  '$?',
  '$((1+1))',
  "'\\''",
  "\\'",
  '\n',
  '\r',
  '\t',
  '\r\n',
  ' ',
  '  ',
  ';',
  '&',
  '&&',
  '|',
  '||',
  '>',
  '<',
  '>>',
  '<<EOF',
  '2>&1',
  '*',
  '?',
  '[a-z]',
  '{a,b}',
  '~',
  '~root',
  '!',
  '!!',
  '#',
  '%',
  '^',
  '=',
  '-',
  '--',
  '-n',
  '-e',
  '--help',
  'a=b',
  'IFS=x',
  '\u00a0',
  'é',
  'ü',
  '日本',
  '🙂',
  '👩‍👩‍👧',
  '\u200b',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\u0301',
  'Ω',
  '\uffff',
  '\u{10ffff}',
  'x',
  'abc',
  '/',
  '.',
  '..',
  '../',
  'PATH',
  ':',
  ',',
  '@',
  '+',
];

/** One code point that is not NUL: control characters, ASCII, or any valid unicode scalar. */
function randomChar(r: () => number): string {
  const k = r();
  if (k < 0.15) return String.fromCharCode(1 + Math.floor(r() * 31)); // C0 controls except NUL
  if (k < 0.2) return '\x7f';
  if (k < 0.6) return String.fromCharCode(32 + Math.floor(r() * 95));
  let cp = 0x80 + Math.floor(r() * (0x10ffff - 0x80));
  if (cp >= 0xd800 && cp <= 0xdfff) cp -= 0x800; // no lone surrogates: they have no UTF-8 form
  return String.fromCodePoint(cp);
}

/** A generated string: mostly short mixes of shell-meaningful pieces, sometimes very long. */
export function fuzzString(r: () => number): string {
  const long = r() < 0.02;
  const n = long ? 2000 + Math.floor(r() * 20000) : Math.floor(r() * 24);
  let s = '';
  for (let i = 0; i < n; i++) s += r() < 0.5 ? (PIECES[Math.floor(r() * PIECES.length)] as string) : randomChar(r);
  return s;
}

function corpus(seed: number, count: number): string[] {
  const r = prng(seed);
  return ['', ...Array.from({ length: count - 1 }, () => fuzzString(r))];
}

const SHELLS = ['/bin/sh', '/bin/bash', '/bin/dash'];
const LOCALES = ['C', 'C.UTF-8'];
const BATCH = 250;

/** Feed `script` to `shell` on stdin (no ARG_MAX limit) and return raw stdout. */
function runShell(shell: string, script: string, env: NodeJS.ProcessEnv = {}): Buffer {
  const r = spawnSync(shell, ['-s'], { input: script, env: { PATH: '/usr/bin:/bin', ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${shell} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return r.stdout;
}

/** Split NUL-terminated fields of raw bytes, decoded as UTF-8 (exact for valid input). */
function fields(out: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 0) {
      parts.push(out.subarray(start, i));
      start = i + 1;
    }
  }
  expect(start, 'output ends with a NUL terminator').toBe(out.length);
  return parts;
}

/** Compare byte-exactly; report the first mismatch with its index and JSON form. */
function expectSame(got: Buffer[], want: string[], label: string): void {
  expect(got.length, `${label}: argument count`).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i] as Buffer;
    if (!g.equals(Buffer.from(w, 'utf8'))) expect(g.toString('utf8'), `${label}: argument ${i} ${JSON.stringify(w).slice(0, 200)}`).toBe(w);
  });
}

const FUZZ_COUNT = 3000;
const inputs = corpus(0x5eed, FUZZ_COUNT);

describe('sh fuzz: every generated string is one literal argument', () => {
  it('all shells exist (dash is /bin/sh on Debian; bash and dash are required)', () => {
    for (const s of SHELLS) expect(existsSync(s), `${s} is missing (apt-get install -y bash dash)`).toBe(true);
  });

  it('the corpus is varied: long strings, every piece, control characters, astral code points', () => {
    expect(inputs.length).toBe(FUZZ_COUNT);
    expect(inputs.some((s) => s.length > 2000)).toBe(true);
    expect(inputs.some((s) => /[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s))).toBe(true);
    expect(inputs.some((s) => /[\u{10000}-\u{10ffff}]/u.test(s))).toBe(true);
    for (const p of ["'", '$(', '`', '\n', '\\']) expect(inputs.some((s) => s.includes(p))).toBe(true);
    expect(inputs.some((s) => s.includes('\0'))).toBe(false);
  });

  for (const shell of SHELLS) {
    for (const lc of LOCALES) {
      it(`${shell} (LC_ALL=${lc}): ${FUZZ_COUNT} strings via quote, in batches of ${BATCH}`, () => {
        for (let i = 0; i < inputs.length; i += BATCH) {
          const batch = inputs.slice(i, i + BATCH);
          const out = runShell(shell, `printf '%s\\0' ${argv(batch)}\n`, { LC_ALL: lc });
          expectSame(fields(out), batch, `${shell} batch ${i / BATCH}`);
        }
      });
    }
  }

  it('the sh tagged template and shell variables: values land literally in assignments and "$v" expansions', () => {
    const batch = inputs.slice(0, 600);
    const script = batch.map((s) => sh`v=${s}; printf '%s\\0' "$v"\n`).join('');
    expectSame(fields(runShell('/bin/sh', script)), batch, 'assignment');
  });

  it('NUL is refused with a clear error by quote, sh, argv and wrapCommand', () => {
    expect(() => quote('a\0b')).toThrow(/NUL byte/);
    expect(() => sh`echo ${'x\0'}`).toThrow(/NUL byte/);
    expect(() => argv(['ok', '\0'])).toThrow(/NUL byte/);
    expect(() => wrapCommand('true', { env: { V: 'a\0b' } })).toThrow(/NUL byte/);
    expect(() => wrapCommand('true', { cwd: '/tmp/\0' })).toThrow(/NUL byte/);
    const r = prng(7);
    for (let i = 0; i < 200; i++) {
      const s = fuzzString(r);
      const at = Math.floor(r() * (s.length + 1));
      expect(() => quote(s.slice(0, at) + '\0' + s.slice(at))).toThrow(TypeError);
    }
  });

  it('bad environment variable names are refused (ARGS_INVALID), not quoted into the command', () => {
    for (const k of ['', '1A', 'A-B', 'A B', 'A;id', '$(id)', 'A=B', 'é']) {
      expect(() => wrapCommand('true', { env: { [k]: 'x' } })).toThrow(expect.objectContaining({ code: 'ARGS_INVALID' }));
    }
  });
});

describe('nested quoting: wrapCommand for become (sudo -n -- /bin/sh -c ...)', () => {
  let dir: string;
  let fakeBin: string;
  const cwds: string[] = [];

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'tsplay-fuzz-')));
    // A stand-in for sudo that drops its own options and execs the rest exactly as sudo would:
    // the nesting under test is the `/bin/sh -c <quoted>` that wrapCommand builds.
    fakeBin = join(dir, 'bin');
    mkdirSync(fakeBin);
    writeFileSync(
      join(fakeBin, 'sudo'),
      '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -n) shift;; -u) shift 2;; --) shift; break;; *) break;; esac; done\nexec "$@"\n',
      { mode: 0o755 },
    );
    const r = prng(99);
    for (const base of ["it's a dir", 'new\nline', '$(touch pwned)', '`id`', 'sp  ace ü日本🙂', '"dq" \\ back', '-n', ' lead', 'trail ']) {
      const d = join(dir, base + fuzzString(r).replace(/[\0/]/g, '').slice(0, 40));
      mkdirSync(d);
      cwds.push(d);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The command inside: the env values (in order) then the working directory, NUL-separated. */
  const probe = (n: number) =>
    `printf '%s\\0' ${Array.from({ length: n }, (_, i) => `"$V${i}"`).join(' ')}; printf '%s\\0' "$(pwd -P; echo .)"`;

  for (const asRoot of [true, false]) {
    for (const become of [true, 'etcd'] as const) {
      it(`env values and cwd arrive intact (become ${JSON.stringify(become)}, asRoot ${asRoot})`, () => {
        const r = prng(asRoot ? 1234 : 4321);
        const scripts: string[] = [];
        const want: string[] = [];
        for (let i = 0; i < 400; i++) {
          const env: Record<string, string> = {};
          const n = 1 + Math.floor(r() * 4);
          for (let k = 0; k < n; k++) env[`V${k}`] = fuzzString(r).slice(0, 3000);
          const cwd = cwds[i % cwds.length] as string;
          const cmd = wrapCommand(probe(n), { env, cwd, become }, asRoot);
          if (!asRoot || become !== true) expect(cmd).toMatch(/^sudo -n (-u etcd )?-- \/bin\/sh -c '/);
          scripts.push(`${cmd}\n`);
          want.push(...Object.values(env), `${cwd}\n.`);
        }
        const out = runShell('/bin/sh', scripts.join(''), { PATH: `${fakeBin}:/usr/bin:/bin` });
        expectSame(fields(out), want, 'wrapped');
        expect(existsSync(join(dir, 'pwned'))).toBe(false);
      });
    }
  }

  it('a doubly nested command (sh -c inside sh -c inside sudo) still gets one literal argument', () => {
    const r = prng(2024);
    const batch = Array.from({ length: 300 }, () => fuzzString(r).slice(0, 500));
    const inner = `printf '%s\\0' ${argv(batch)}`;
    const twice = wrapCommand(`/bin/sh -c ${quote(inner)}`, { become: true, env: { X: "a'b" }, cwd: cwds[0] as string }, false);
    const out = runShell('/bin/bash', `${twice}\n`, { PATH: `${fakeBin}:/usr/bin:/bin` });
    expectSame(fields(out), batch, 'double');
  });
});

describe('the local transport (LocalConnection.exec): what modules really use', () => {
  it('300 generated strings as argv, with generated env values and cwd, arrive intact', async () => {
    const conn = new LocalConnection('fuzz');
    const r = prng(77);
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "tsplay-fuzz-l'ocal $(x)\n")));
    try {
      for (let round = 0; round < 3; round++) {
        const batch = Array.from({ length: 100 }, () => fuzzString(r).slice(0, 2000));
        const env = { A: fuzzString(r).slice(0, 500), B: fuzzString(r).slice(0, 500) };
        const res = await conn.exec(`${argv(['printf', '%s\\0', ...batch])}; printf '%s\\0' "$A" "$B" "$(pwd -P; echo .)"`, {
          env,
          cwd: dir,
        });
        expect(res.code, res.stderr).toBe(0);
        expectSame(fields(Buffer.from(res.stdout, 'utf8')), [...batch, env.A, env.B, `${dir}\n.`], `local round ${round}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a 200 KiB argument (over the kernel limit of 128 KiB for one exec argument) still arrives intact', async () => {
    const long = 'x'.repeat(100 * 1024) + fuzzString(prng(5)).slice(0, 2000) + 'y'.repeat(100 * 1024);
    const res = await new LocalConnection('fuzz').exec(argv(['printf', '%s', long]));
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.length).toBe(long.length);
    expect(res.stdout === long).toBe(true);
  });
});

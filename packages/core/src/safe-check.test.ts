import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { safeCheckFunctions } from './safe-run.js';
import { countingStat } from './testing/counting-stat.js';

// tsplay_check reads a chain with one stat; the oracle is the check it replaced: each directory read and judged on
// its own, walking up with dirname.
const root = mkdtempSync(join(tmpdir(), 'tsplay-safe-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]) => join(root, ...p);
const stat = countingStat();

mkdirSync(at('a b', 'c|d', 'e'), { recursive: true });
mkdirSync(at('open', 'in'), { recursive: true });
chmodSync(at('open'), 0o777);
mkdirSync(at('sticky', 'in'), { recursive: true });
chmodSync(at('sticky'), 0o1777);
mkdirSync(at('theirs', 'in'), { recursive: true });
chownSync(at('theirs'), 65534, 65534);
chownSync(at('theirs', 'in'), 65534, 65534);

const PER_DIR =
  'tsplay_check() { tsplay_c=$1; while :; do tsplay_check1 "$tsplay_c"; [ "$tsplay_c" = / ] && break; tsplay_c=$(dirname -- "$tsplay_c"); done; }';

function check(dir: string, opts: { owner?: string | undefined; oracle?: boolean; shell?: string } = {}) {
  stat.reset();
  const script = [
    `PATH=${stat.bin}:$PATH`,
    safeCheckFunctions(opts.owner),
    ...(opts.oracle ? [PER_DIR] : []),
    'set -- outer',
    `tsplay_check '${dir}'`,
    'echo "as=$tsplay_as tu=$tsplay_tu tg=$tsplay_tg args=$*"',
  ].join('\n');
  const r = spawnSync(opts.shell ?? '/bin/sh', ['-c', script], { encoding: 'utf8' });
  return {
    out: { code: r.status, stdout: r.stdout, stderr: r.stderr },
    stats: stat.calls(),
  };
}

const CASES: [string, string | undefined][] = [
  [at('a b', 'c|d', 'e'), undefined],
  [at('open', 'in'), undefined],
  [at('sticky', 'in'), undefined],
  [at('theirs', 'in'), undefined],
  [at('theirs', 'in'), 'nobody'],
  ['/', undefined],
  [at('gone', 'deeper'), undefined],
];

describe('tsplay_check: a directory and every one above it', () => {
  it.each(['/bin/sh', 'bash', 'dash'])('judges each chain as the per-directory check does, under %s', (shell) => {
    const got = CASES.map(([d, owner]) => check(d, { owner, shell }).out);
    expect(got).toEqual(CASES.map(([d, owner]) => check(d, { owner, shell, oracle: true }).out));
    // what the comparison covers: ok (with the caller's arguments kept), an open directory refused by name, sticky ok,
    // another user's refused, or written as that owner, the root alone, a missing directory refused
    expect(got.map((o) => o.code)).toEqual([0, 86, 0, 86, 0, 0, 86]);
    expect(got[0]?.stdout).toMatch(/^as= tu=0 tg=0 args=outer$/m);
    expect(got[1]?.stderr).toBe(`tsplay-unsafe-path: ${at('open')}\n`);
    expect(got[3]?.stderr).toBe(`tsplay-unsafe-path: ${at('theirs', 'in')}\n`);
    expect(got[4]?.stdout).toMatch(/^as=1 tu=65534 tg=65534 /m);
    expect(got[6]?.stderr).toMatch(new RegExp(`tsplay-unsafe-path: ${at('gone', 'deeper')}\n$`));
  });

  it('one stat for the whole chain (was one per directory)', () => {
    const deep = at('a b', 'c|d', 'e');
    const levels = deep.split('/').length;
    expect(check(deep).stats).toBe(1);
    expect(check(deep, { oracle: true }).stats).toBe(levels);
  });

  it("the login's gid comes from /proc, as id -g says", () => {
    const r = spawnSync('/bin/sh', ['-c', `${safeCheckFunctions()}\necho "$tsplay_mg $(id -g)"`], { encoding: 'utf8' });
    const [mg, id] = r.stdout.trim().split(' ');
    expect(mg).toMatch(/^\d+$/);
    expect(mg).toBe(id);
  });
});

describe('tsplay_dn and tsplay_bn (dirname and basename without a process)', () => {
  const paths = [
    '/etc/etcd/ca.pem',
    '/x',
    'x',
    '',
    '/',
    '//',
    '///',
    '//x',
    '/a//b',
    '/a/b/',
    '/a/b//',
    'a/b',
    './a',
    '../a/b',
    '/usr/local/bin/.',
    '/a b/c|d',
    '/-n/-e',
    'a//',
  ];
  it.each(['sh', 'bash'])('answer as coreutils does for every path (%s)', (shell) => {
    const script = [
      safeCheckFunctions(),
      'for p do tsplay_dn "$p"; d=$tsplay_dnr; tsplay_bn "$p"; printf "%s|%s|%s\\n" "$p" "$d" "$tsplay_dnr"; done',
    ].join('\n');
    const ours = spawnSync(shell, ['-c', script, 'sh', ...paths], { encoding: 'utf8' });
    expect(ours.status, ours.stderr).toBe(0);
    const oracle = paths.map((p) => {
      const d = spawnSync('dirname', ['--', p], { encoding: 'utf8' }).stdout.replace(/\n$/, '');
      const b = spawnSync('basename', ['--', p], { encoding: 'utf8' }).stdout.replace(/\n$/, '');
      return `${p}|${d}|${b}`;
    });
    expect(ours.stdout.split('\n').slice(0, -1)).toEqual(oracle);
  });
});

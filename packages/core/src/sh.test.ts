import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { argv, quote, sh } from './sh.js';

/** Run `printf '%s\0' ARGS` through a real /bin/sh and split the NUL-separated arguments. */
function throughShell(cmdline: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${cmdline}`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

function randomString(seed: number): string {
  const alphabet = [...'abc XYZ019\'"`$(){}[]\\;&|<>*?~!#%^=\n\t\r-_./,:@+', 'é', '日本', '🙂', '\u00a0'];
  let x = (seed * 2654435761) % 2 ** 32;
  const len = 1 + (x % 24);
  let s = '';
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

describe('sh quoting', () => {
  it.each(["it's", '$(rm -rf /)', '`id`', 'a b', '', '--', 'line\nbreak', '"dq"', '\\', '*', '~', 'ü日本🙂'])(
    '%j arrives as one literal argument',
    (s) => {
      expect(throughShell(quote(s))).toEqual([s]);
    },
  );

  it('500 generated strings each arrive as one literal argument', () => {
    const inputs = Array.from({ length: 500 }, (_, i) => randomString(i + 1));
    const got = throughShell(argv(inputs));
    expect(got).toEqual(inputs);
  });

  it('the tagged template quotes values and expands arrays', () => {
    expect(sh`ls ${'a b'} ${['x', "y'z"]}`).toBe(`ls 'a b' x 'y'\\''z'`);
  });

  it('refuses NUL, which no shell argument can hold', () => {
    expect(() => quote('a\0b')).toThrow(/NUL/);
  });
});

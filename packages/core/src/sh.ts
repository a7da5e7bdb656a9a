/**
 * POSIX shell quoting. Every value interpolated into a remote command goes through `sh`.
 * Single quotes, with `'` written as `'\''`: understood by every /bin/sh (unlike `$'...'`).
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export class ShellFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Mark a string as already-safe shell text (use only for text built by `sh`). */
export function raw(text: string): ShellFragment {
  return new ShellFragment(text);
}

export function quote(value: string | number): string {
  const s = String(value);
  if (s.includes('\0')) throw new TypeError('a shell argument cannot contain a NUL byte');
  if (s.length > 0 && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

type ShValue = string | number | ShellFragment | readonly (string | number | ShellFragment)[];

function render(v: ShValue): string {
  if (v instanceof ShellFragment) return v.text;
  if (Array.isArray(v)) return (v as readonly (string | number | ShellFragment)[]).map((x) => render(x)).join(' ');
  return quote(v as string | number);
}

/** Tagged template: `sh\`cat ${path}\`` quotes each value; arrays become several arguments. */
export function sh(strings: TemplateStringsArray, ...values: ShValue[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return out;
}

/** Like `sh` but returns a fragment that can be nested in another `sh` without re-quoting. */
export function shf(strings: TemplateStringsArray, ...values: ShValue[]): ShellFragment {
  return new ShellFragment(sh(strings, ...values));
}

/** Join an argv into one command line. */
export function argv(args: readonly (string | number)[]): string {
  return args.map((a) => quote(a)).join(' ');
}

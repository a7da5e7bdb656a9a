/**
 * Python's `ast.literal_eval`, as Ansible's INI plugin applies it to every value (`_parse_value`):
 * strings (prefixes r/b/u, escapes, adjacent strings joined), ints (0x/0o/0b, `_`), floats,
 * True/False/None, lists, tuples (also a bare `1,2`), dicts, and a sign on a number. Anything
 * else (a name, an operator, a syntax error such as `0755`) leaves the text as it was.
 */
export function literalEval(text: string): unknown {
  const src = text.replace(/^[ \t]+/, '');
  try {
    const p = new Parser(tokenize(src));
    const v = p.exprList();
    if (!p.done()) return text;
    return unwrap(v);
  } catch (e) {
    if (e instanceof NotLiteral) return text;
    throw e;
  }
}

class NotLiteral extends Error {}
const no = (): never => {
  throw new NotLiteral();
};

type Tok = { k: 'str'; v: string; bytes: boolean } | { k: 'num'; v: number } | { k: 'name'; v: string } | { k: 'op'; v: string };
/** A parsed value; `signed` marks `-x` (which cannot be signed again), `num` a bare number. */
type Val = { v: unknown; num: boolean; bytes?: boolean };

const INT = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0+(?:_?0)*)/;
const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT = new RegExp(
  String.raw`^(?:(?:${DIGITS})?\.${DIGITS}(?:[eE][-+]?${DIGITS})?|${DIGITS}\.(?:[eE][-+]?${DIGITS})?|${DIGITS}[eE][-+]?${DIGITS})`,
);

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\f') {
      i++;
      continue;
    }
    if (ch === '#') break;
    const str = /^([rRbBuU]{0,2})(['"])/.exec(s.slice(i));
    if (str && /^(?:|[rR]|[bB]|[uU]|[rR][bB]|[bB][rR])$/.test(str[1] as string)) {
      const [v, len] = readString(s, i + (str[1] as string).length, /[rR]/.test(str[1] as string), /[bB]/.test(str[1] as string));
      out.push({ k: 'str', v, bytes: /[bB]/.test(str[1] as string) });
      i += (str[1] as string).length + len;
      continue;
    }
    const rest = s.slice(i);
    const f = FLOAT.exec(rest);
    const n = INT.exec(rest);
    if (f || (n && /\d/.test(ch))) {
      const lit = (f ? f[0] : (n as RegExpExecArray)[0]) as string;
      if (/^[\w.]/u.test(s.slice(i + lit.length))) no(); // 0755, 1j, 1.2.3, 1abc
      const clean = lit.replace(/_/g, '');
      out.push({ k: 'num', v: f ? Number(clean) : /^0[xob]/i.test(clean) ? Number(clean.toLowerCase()) : Number(clean) });
      i += lit.length;
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(rest);
    if (name) {
      out.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    if ('()[]{},:+-'.includes(ch)) {
      out.push({ k: 'op', v: ch });
      i++;
      continue;
    }
    no();
  }
  return out;
}

const ESC: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

/** A quoted string starting at `at` (the quote); returns its value and length. */
function readString(s: string, at: number, raw: boolean, bytes: boolean): [string, number] {
  const q = s.startsWith(s[at] === '"' ? '"""' : "'''", at) ? (s[at] as string).repeat(3) : (s[at] as string);
  let i = at + q.length;
  let v = '';
  for (;;) {
    if (i >= s.length) no();
    if (s.startsWith(q, i)) return [v, i + q.length - at];
    const ch = s[i] as string;
    if (ch === '\n' && q.length === 1) no();
    if (ch !== '\\') {
      if (bytes && ch.charCodeAt(0) > 127) no();
      v += ch;
      i++;
      continue;
    }
    const nx = s[i + 1];
    if (nx === undefined) no();
    if (raw) {
      v += ch + nx;
      i += 2;
      continue;
    }
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1));
    const hex = /^x([0-9a-fA-F]{2})/.exec(s.slice(i + 1));
    const uni = bytes ? null : /^(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(s.slice(i + 1));
    if (nx !== undefined && nx in ESC) [v, i] = [v + (ESC[nx] as string), i + 2];
    else if (oct) [v, i] = [v + String.fromCodePoint(parseInt(oct[0], 8)), i + 1 + oct[0].length];
    else if (hex) [v, i] = [v + String.fromCodePoint(parseInt(hex[1] as string, 16)), i + 4];
    else if (uni) [v, i] = [v + String.fromCodePoint(parseInt((uni[1] ?? uni[2]) as string, 16)), i + 1 + uni[0].length];
    else if (nx === 'x' || (!bytes && (nx === 'u' || nx === 'U' || nx === 'N'))) no();
    else [v, i] = [v + ch + nx, i + 2];
  }
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  done(): boolean {
    return this.i >= this.toks.length;
  }
  private peek(v: string): boolean {
    const t = this.toks[this.i];
    return t?.k === 'op' && t.v === v;
  }
  private eat(v: string): void {
    if (!this.peek(v)) no();
    this.i++;
  }
  /** `a, b, c` (a tuple when there is a comma) or one expression. */
  exprList(close?: string): Val {
    const items: Val[] = [];
    let comma = false;
    while (!this.done() && !(close && this.peek(close))) {
      items.push(this.expr());
      if (!this.peek(',')) break;
      this.eat(',');
      comma = true;
    }
    if (items.length === 1 && !comma) return items[0] as Val;
    if (items.length === 0 && !close) no();
    return { v: items.map(unwrap), num: false };
  }
  private expr(): Val {
    const t = this.toks[this.i];
    if (t?.k === 'op' && (t.v === '-' || t.v === '+')) {
      this.i++;
      const a = this.atom();
      if (!a.num) no();
      return { v: t.v === '-' ? -(a.v as number) : a.v, num: false };
    }
    const a = this.atom();
    if (this.peek('+') || this.peek('-')) no(); // only complex numbers may be added
    return a;
  }
  private atom(): Val {
    const t = this.toks[this.i++];
    if (!t) return no();
    if (t.k === 'num') return { v: t.v, num: true };
    if (t.k === 'str') {
      let v = t.v;
      while (this.toks[this.i]?.k === 'str') {
        const n = this.toks[this.i++] as Tok & { k: 'str' };
        if (n.bytes !== t.bytes) no();
        v += n.v;
      }
      return { v, num: false, bytes: t.bytes };
    }
    if (t.k === 'name')
      return t.v === 'True'
        ? { v: true, num: false }
        : t.v === 'False'
          ? { v: false, num: false }
          : t.v === 'None'
            ? { v: null, num: false }
            : no();
    if (t.v === '(') {
      if (this.peek(')')) return (this.i++, { v: [], num: false });
      const inner = this.exprList(')');
      this.eat(')');
      return inner;
    }
    if (t.v === '[') {
      const items: unknown[] = [];
      while (!this.peek(']')) {
        items.push(unwrap(this.expr()));
        if (!this.peek(']')) this.eat(',');
      }
      this.eat(']');
      return { v: items, num: false };
    }
    if (t.v === '{') return this.dict();
    return no();
  }
  private dict(): Val {
    const out: Record<string, unknown> = {};
    if (this.peek('}')) return (this.i++, { v: out, num: false });
    for (;;) {
      const k = unwrap(this.expr());
      if (!this.peek(':')) no(); // a set: Ansible's JSON cannot print it either
      this.eat(':');
      if (typeof k === 'object' && k !== null) no();
      out[k === null ? 'null' : String(k)] = unwrap(this.expr());
      if (this.peek('}')) break;
      this.eat(',');
      if (this.peek('}')) break;
    }
    this.eat('}');
    return { v: out, num: false };
  }
}

const unwrap = (x: Val): unknown => x.v;

/**
 * Ansible's host patterns (`ansible/parsing/utils/addresses.py` and `expand_hostname_range`):
 * `name:port`, `[ipv6]:port`, and `[a:b]` / `[a:b:step]` ranges anywhere in a name.
 */

const NUM_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const V6 = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const V4 = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUM_RANGE})`;
// Python's \w with re.UNICODE: letters, numbers and _
const W = String.raw`[\p{L}\p{N}_]`;
const LABEL = `(?:${W}|${ALNUM_RANGE})(?:${W}|[_-]|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED = /^\[(.+)\]:([0-9]+)$/su;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/su;
const IPV4 = new RegExp(`^(?:${V4}\\.){3}${V4}$`, 'iu');
const IPV6 = new RegExp(
  `^(?:(?:${V6}:){7}${V6}|(?:${V6}:){1,6}:|(?:${V6}:)(?::${V6}){1,6}|(?:${V6}:){2}(?::${V6}){1,5}|(?:${V6}:){3}(?::${V6}){1,4}|(?:${V6}:){4}(?::${V6}){1,3}|(?:${V6}:){5}(?::${V6}){1,2}|(?:${V6}:){6}(?::${V6})|:(?::${V6}){1,6}|${V6}?::|(?:0:){6}(?:${V6}\\.){3}${V6}|::(?:ffff:)?(?:${V6}\\.){3}${V6}|(?:0:){5}ffff:(?:${V6}\\.){3}${V6})$`,
  'iu',
);
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu');

/** `parse_address(pattern, allow_ranges=True)`: the host part and the port, or undefined when it is not an address. */
export function parseAddress(address: string): { host: string; port: number | undefined } | undefined {
  let host = address;
  let port: number | undefined;
  for (const re of [BRACKETED, HOSTPORT]) {
    const m = re.exec(host);
    if (m) [host, port] = [m[1] as string, Number(m[2])];
  }
  return IPV4.test(host) || IPV6.test(host) || HOSTNAME.test(host) ? { host, port } : undefined;
}

/** `_expand_hostpattern`: names and port; a pattern that is no address is taken whole, as Ansible does. */
export function expandHostPattern(pattern: string): { hosts: string[]; port: number | undefined } {
  const a = parseAddress(pattern);
  const name = a ? a.host : pattern;
  return { hosts: name.includes('[') ? expandHostnameRange(name) : [name], port: a?.port };
}

export class RangeError_ extends Error {}
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `expand_hostname_range`: the first `[...]` is a range; widths of a zero-padded start must match the end. */
export function expandHostnameRange(line: string): string[] {
  const parts = line.replace('[', '|').replace(']', '|').split('|');
  if (parts.length !== 3) throw new RangeError_(`host range in ${line} is not closed, or there are several ] before it`);
  const [head, nrange, tail] = parts as [string, string, string];
  const bounds = nrange.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new RangeError_('host range must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1] as string;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new RangeError_('host range must specify end value');
  let fill = (x: string) => x;
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) throw new RangeError_(`host range must specify equal-length begin and end formats (${beg} and ${end})`);
    fill = (x) => x.padStart(beg.length, '0');
  }
  const step = pyInt(stepText);
  let seq: string[];
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = LETTERS.indexOf(end);
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new RangeError_('host range must have begin <= end');
    if (step <= 0) throw new RangeError_('host range step must be positive');
    seq = [];
    for (let i = iBeg; i <= iEnd; i += step) seq.push(LETTERS[i] as string);
  } else {
    const [b, e] = [pyInt(beg), pyInt(end)];
    if (step === 0) throw new RangeError_('host range step must not be zero');
    seq = [];
    for (let n = b; step > 0 ? n < e + 1 : n > e + 1; n += step) {
      if (seq.length > 100_000) throw new RangeError_('host range expands to more than 100000 names');
      seq.push(String(n));
    }
  }
  return seq.flatMap((x) => {
    const name = `${head}${fill(x)}${tail}`;
    return name.includes('[') ? expandHostnameRange(name) : [name];
  });
}

/** Python's int(): optional sign, digits with single inner underscores, surrounding spaces. */
function pyInt(s: string): number {
  const t = s.trim();
  if (!/^[-+]?\d(?:_?\d)*$/.test(t)) throw new RangeError_(`invalid literal for int(): '${s}'`);
  return Number(t.replace(/_/g, ''));
}

import { TsplayError } from '../errors.js';
import { addHost, emptyTree, group, treeToInventory, type AnsibleTree } from './ansible-tree.js';
import type { InventoryFile } from './schema.js';

/**
 * Ansible INI inventories: `[group]` host lines (`name key=value ...`), `[group:vars]`,
 * `[group:children]`, hosts before any section (group `ungrouped`), ranges such as
 * `web[01:20].example.com`, `db-[a:c]` and `[0:10:2]`, `#`/`;` comments.
 * Host-line values are literals (numbers, true/false, quoted strings); `:vars` values are strings,
 * as in Ansible. A line that is none of these is INVENTORY_INVALID with its line number.
 */
export function parseAnsibleIni(text: string, file: string): InventoryFile {
  return treeToInventory(readIni(text, file), file);
}

type Section = { group: string; kind: 'hosts' | 'vars' | 'children' };

export function readIni(text: string, file: string): AnsibleTree {
  const tree = emptyTree();
  let section: Section = { group: 'ungrouped', kind: 'hosts' };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const fail = (msg: string, hint: string): never => {
      throw new TsplayError('INVENTORY_INVALID', `${file}:${i + 1}: ${msg}: ${JSON.stringify(raw.trim())}`, { file, field: `line ${i + 1}`, hint });
    };
    const head = /^\[([^\]:\s]+)(?::(vars|children))?\]\s*([#;].*)?$/.exec(line);
    if (head) {
      section = { group: head[1] as string, kind: (head[2] as Section['kind'] | undefined) ?? 'hosts' };
      group(tree, section.group);
      return;
    }
    if (line.startsWith('[')) fail('not a section header', 'write [group], [group:vars] or [group:children]');
    const words = tokenize(line, () => fail('unterminated quote', 'close the quote, or escape it'));
    if (section.kind === 'children') {
      if (words.length !== 1 || words[0]?.includes('=')) fail(`[${section.group}:children] takes one group name per line`, 'list child groups one per line');
      group(tree, section.group).children.add(words[0] as string);
      group(tree, words[0] as string);
      return;
    }
    if (section.kind === 'vars') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*(.*)$/.exec(line);
      if (!m) fail(`[${section.group}:vars] takes key=value lines`, 'write e.g. ansible_user=admin');
      group(tree, section.group).vars[m?.[1] as string] = unquote((m?.[2] as string).replace(/\s+[#;].*$/, ''));
      return;
    }
    const [pattern, ...pairs] = words;
    const vars: Record<string, unknown> = {};
    for (const p of pairs) {
      const eq = p.indexOf('=');
      if (eq <= 0) fail(`"${p}" is not key=value`, 'host lines are `name key=value ...` (quote values with spaces)');
      vars[p.slice(0, eq)] = literal(p.slice(eq + 1));
    }
    for (const host of expandRange(pattern as string, () => fail('bad host range', 'ranges look like web[01:20] or db-[a:f], start before end'))) addHost(tree, section.group, host, vars);
  });
  return tree;
}

/** Split a host line into words; quotes group, and are kept on values for `literal` to see. */
function tokenize(line: string, bad: () => never): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (/\s/.test(ch)) {
      if (cur) words.push(cur);
      cur = '';
    } else if ((ch === '#' || ch === ';') && cur === '') {
      break; // a comment after the last word
    } else cur += ch;
  }
  if (quote) bad();
  if (cur) words.push(cur);
  return words;
}

function unquote(v: string): string {
  const t = v.trim();
  return /^(['"]).*\1$/s.test(t) && t.length >= 2 ? t.slice(1, -1) : t;
}

/** A host-line value: quoted string, integer, float, true/false (any case), else the text. */
function literal(v: string): unknown {
  if (/^(['"]).*\1$/s.test(v) && v.length >= 2) return v.slice(1, -1);
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^-?\d+\.\d+$/.test(v)) return Number(v);
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  return v;
}

/** `web[01:20].x` -> web01.x .. web20.x (width kept); `[a:f]` letters; `[0:10:2]` a stride. Several ranges multiply. */
export function expandRange(pattern: string, bad: () => never): string[] {
  const m = /^(.*?)\[([^\]]+)\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, before = '', range = '', after = ''] = m;
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3) bad();
  const [from = '', to = '', strideText] = parts;
  const stride = strideText === undefined ? 1 : Number(strideText);
  if (!Number.isInteger(stride) || stride < 1) bad();
  const items: string[] = [];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
    if (Number(from) > Number(to) || Number(to) - Number(from) > 100_000) bad();
    for (let n = Number(from); n <= Number(to); n += stride) items.push(String(n).padStart(width, '0'));
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to) && from <= to) {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += stride) items.push(String.fromCharCode(c));
  } else bad();
  return items.flatMap((x) => expandRange(`${before}${x}${after}`, bad));
}

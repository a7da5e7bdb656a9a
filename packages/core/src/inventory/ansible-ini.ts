import { TsplayError, type ErrorCode } from '../errors.js';
import { expandHostPattern, RangeError_ } from './ansible-address.js';
import { addChild, addGroup, addHost, emptyTree, setGroupVar, type AnsibleTree } from './ansible-tree.js';
import { literalEval } from './py-literal.js';
import { shlexSplit } from './shlex.js';

/**
 * Ansible's INI inventory plugin (`plugins/inventory/ini.py`), line for line: `[group]`,
 * `[group:vars]`, `[group:children]` (a child may be defined further down), host lines split like
 * a shell (`shlex`, `#` starts a comment) with values read by Python's `literal_eval`, `key=value`
 * lines in `:vars` (everything after the first `=`, then `literal_eval`), `host:port`,
 * `[ipv6]:port`, ranges anywhere in a name. Errors where Ansible errors, each with the line number.
 */
export function readIni(text: string, file: string): AnsibleTree {
  const tree = emptyTree(file);
  const pending = new Map<string, { line: number; state: 'vars' | 'children'; parents: string[] }>();
  let group = 'ungrouped';
  let state = 'hosts';
  text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/).forEach((raw, i) => {
    const lineno = i + 1;
    const fail = (msg: string, hint: string, code: ErrorCode = 'INVENTORY_INVALID'): never => {
      throw new TsplayError(code, `${file}:${lineno}: ${msg}`, { file, field: `line ${lineno}`, hint });
    };
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') return;
    const head = /^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$/u.exec(line);
    if (head) {
      group = head[1] as string;
      state = head[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state))
        fail(`section [${group}:${state}] has unknown type: ${state}`, 'sections are [group], [group:vars] or [group:children]');
      if (!tree.groups.has(group)) {
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineno, state: 'vars', parents: [] });
        addGroup(tree, group);
      }
      const p = pending.get(group);
      if (p && state !== 'vars') {
        if (p.state === 'children') addPendingChildren(tree, group, pending);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']'))
      fail(`invalid section entry: '${line}'`, 'a section header has no spaces: [group], [group:vars], [group:children]');
    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`expected key=value, got: ${line}`, `[${group}:vars] takes key=value lines`);
      setGroupVar(tree, group, line.slice(0, eq).trim(), literalEval(line.slice(eq + 1).trim()), lineno);
    } else if (state === 'children') {
      const m = /^([^:\]\s]+)\s*(?:#.*)?$/u.exec(line);
      if (!m) return fail(`expected group name, got: ${line}`, `[${group}:children] takes one group name per line`);
      const child = m[1] as string;
      if (tree.groups.has(child)) addChild(tree, group, child, lineno);
      else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineno, state: 'children', parents: [group] });
      }
    } else hostLine(tree, group, line, fail);
  });
  for (const [name, p] of pending) {
    if (p.state === 'vars')
      throw new TsplayError(
        'INVENTORY_UNKNOWN_GROUP',
        `${file}:${p.line}: section [${name}:vars] is not valid for undefined group ${name}`,
        {
          file,
          field: `line ${p.line}`,
          hint: `define [${name}] (or [${name}:children]) in this file, or remove [${name}:vars]`,
        },
      );
    throw new TsplayError(
      'INVENTORY_UNKNOWN_GROUP',
      `${file}:${p.line}: section [${p.parents.at(-1)}:children] includes undefined group ${name}`,
      {
        file,
        field: `line ${p.line}`,
        hint: `define [${name}] in this file, or remove it from [${p.parents.at(-1)}:children]`,
      },
    );
  }
  return tree;
}

function addPendingChildren(tree: AnsibleTree, group: string, pending: Map<string, { state: string; parents: string[] }>): void {
  for (const parent of pending.get(group)?.parents ?? []) {
    addChild(tree, parent, group);
    if (pending.get(parent)?.state === 'children') addPendingChildren(tree, parent, pending);
  }
  pending.delete(group);
}

function hostLine(tree: AnsibleTree, group: string, line: string, fail: (msg: string, hint: string, code?: ErrorCode) => never): void {
  const tokens =
    shlexSplit(line) ??
    fail(`error parsing host definition '${line}': no closing quotation`, 'close the quote (or quote the value that holds one)');
  const pattern = tokens[0];
  if (pattern === undefined) return;
  let hosts: string[];
  let port: number | undefined;
  try {
    ({ hosts, port } = expandHostPattern(pattern));
  } catch (e) {
    if (e instanceof RangeError_)
      return fail(
        `${e.message}: ${pattern}`,
        'ranges look like web[01:20] (same width at both ends), db-[a:f] or [0:10:2]',
        'INVENTORY_RANGE_INVALID',
      );
    throw e;
  }
  if (pattern.trim().endsWith(':') && port === undefined)
    fail(`invalid host pattern '${pattern}': ending in ':' is not allowed, it is reserved for a port`, 'write host:port, e.g. web1:2222');
  if (hosts.some((h) => h.trim() === '---'))
    fail(`invalid host pattern '${pattern}': '---' is normally a sign this is a YAML file`, 'name the file .yml');
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0)
      fail(`expected key=value host variable assignment, got: ${t}`, 'host lines are `name key=value ...` (quote values with spaces)');
    vars.push([t.slice(0, eq), literalEval(t.slice(eq + 1))]);
  }
  for (const name of hosts) {
    if (!name) fail('invalid empty host name', 'give the host a name');
    const h = addHost(tree, name, group, port);
    for (const [k, v] of vars) h.vars[k] = v;
  }
}

import { existsSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath, dirname } from 'node:path';
import { homedir } from 'node:os';
import { TsplayError } from '../errors.js';
import { Secret, isSecret } from '../secret.js';
import { formatZodIssues, issueField, sortIssues } from '../validate.js';
import { inventoryFileSchema, isHostAddress, type Inventory, type ResolvedHost } from './schema.js';

function expandPath(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return `${homedir()}${p.slice(1)}`;
  return isAbsolute(p) ? p : resolvePath(baseDir, p);
}

/** Validate a raw inventory object and resolve every host (defaults < host; vars < group vars < host vars < extra). */
export function resolveInventory(raw: unknown, source: string, extraVars: Record<string, unknown> = {}): Inventory {
  const parsed = inventoryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TsplayError('INVENTORY_INVALID', `inventory does not match its schema: ${formatZodIssues(parsed.error.issues)}`, {
      file: source,
      field: issueField(sortIssues(parsed.error.issues)[0]),
      hint: 'see docs/inventory.md for the format (defaults, vars, hosts, groups)',
    });
  }
  const inv = parsed.data;
  const baseDir =
    source.endsWith('.yaml') || source.endsWith('.yml') || source.endsWith('.ts') || source.endsWith('.js') || source.endsWith('.json')
      ? dirname(source)
      : source;
  const names = Object.keys(inv.hosts);
  const groups: Record<string, string[]> = { all: [...names] };
  for (const [g, spec] of Object.entries(inv.groups ?? {})) {
    if (g === 'all')
      throw new TsplayError('INVENTORY_INVALID', 'group "all" is implicit and cannot be defined', {
        file: source,
        field: 'groups.all',
        hint: 'every host is in "all" already; give the group another name',
      });
    for (const h of spec.hosts) {
      if (!(h in inv.hosts))
        throw new TsplayError('INVENTORY_INVALID', `group ${g} lists unknown host ${h}`, {
          file: source,
          field: `groups.${g}.hosts`,
          hint: `define ${h} under hosts:, or remove it from the group`,
        });
    }
    groups[g] = [...spec.hosts];
  }
  Object.assign(groups, expandChildren(inv.groups ?? {}, groups, source));
  const seenAddr = new Map<string, string>();
  const hosts: ResolvedHost[] = names.map((name) => {
    const entry = inv.hosts[name] ?? {};
    const d = inv.defaults ?? {};
    const memberOf = Object.entries(groups)
      .filter(([g, hs]) => g !== 'all' && hs.includes(name))
      .map(([g]) => g);
    let vars: Record<string, unknown> = { ...(inv.vars ?? {}) };
    for (const g of memberOf) vars = { ...vars, ...(inv.groups?.[g]?.vars ?? {}) };
    vars = { ...vars, ...(entry.vars ?? {}), ...extraVars };
    const connection = entry.connection ?? d.connection ?? 'ssh';
    const address = entry.address ?? d.address ?? (connection === 'local' ? 'localhost' : name);
    const port = entry.port ?? d.port;
    const key = `${address}:${port ?? 22}`;
    if (connection === 'ssh' && !isHostAddress(address))
      throw new TsplayError('INVENTORY_INVALID', `host ${name} has no valid address (${JSON.stringify(address)})`, {
        file: source,
        field: `hosts.${name}.address`,
        hint: 'set address: to the IP or DNS name of the machine (the host name is used when address is missing)',
      });
    if (connection === 'ssh') {
      const other = seenAddr.get(key);
      if (other)
        throw new TsplayError('INVENTORY_INVALID', `hosts ${other} and ${name} have the same address ${key}`, {
          file: source,
          field: `hosts.${name}.address`,
          hint: 'each host must be a different machine; remove the duplicate',
        });
      seenAddr.set(key, name);
    }
    const kh = entry.knownHosts ?? d.knownHosts;
    const pk = entry.privateKeyPath ?? d.privateKeyPath;
    const cfg = entry.sshConfigFile ?? d.sshConfigFile;
    return {
      name,
      address,
      port,
      user: entry.user ?? d.user,
      privateKeyPath: pk === undefined ? undefined : expandPath(pk, baseDir),
      knownHosts: kh === undefined ? undefined : (Array.isArray(kh) ? kh : [kh]).map((p) => expandPath(p, baseDir)),
      hostKeyChecking: entry.hostKeyChecking ?? d.hostKeyChecking ?? 'strict',
      connection,
      become: entry.become ?? d.become,
      becomeMethod: entry.becomeMethod ?? d.becomeMethod,
      becomePassword: asSecret(entry.becomePassword ?? d.becomePassword),
      becomeExe: entry.becomeExe ?? d.becomeExe,
      connectTimeoutMs: entry.connectTimeoutMs ?? d.connectTimeoutMs,
      connectionAttempts: entry.connectionAttempts ?? d.connectionAttempts,
      serverAliveInterval: entry.serverAliveInterval ?? d.serverAliveInterval,
      serverAliveCountMax: entry.serverAliveCountMax ?? d.serverAliveCountMax,
      sshConfigFile:
        cfg === undefined
          ? undefined
          : sshConfigFile(
              cfg,
              baseDir,
              source,
              entry.sshConfigFile !== undefined ? `hosts.${name}.sshConfigFile` : 'defaults.sshConfigFile',
            ),
      hostKeyAlias: entry.hostKeyAlias ?? d.hostKeyAlias,
      groups: memberOf,
      vars,
    };
  });
  return { source, hosts, groups };
}

/** A become password from the inventory, always as a Secret (so it is redacted wherever it goes). */
function asSecret(v: string | Secret | undefined): Secret | undefined {
  return v === undefined || isSecret(v) ? v : new Secret(v);
}

/** An ssh config named in the inventory must exist (a missing ~/.ssh/config is fine; a named file is a typo). */
function sshConfigFile(p: string, baseDir: string, source: string, field: string): string {
  const path = expandPath(p, baseDir);
  if (!existsSync(path))
    throw new TsplayError('INVENTORY_INVALID', `ssh config file ${path} does not exist`, {
      file: source,
      field,
      hint: 'fix the path (relative paths are relative to the inventory), or remove sshConfigFile to read ~/.ssh/config',
    });
  return path;
}

type GroupSpecs = Record<string, { hosts: string[]; children?: string[] | undefined }>;

/**
 * A group includes the hosts of its child groups, transitively. A group reached again while its own
 * children are being expanded is a cycle: `INVENTORY_CYCLE` names it (`g1 → g2 → g1`).
 */
function expandChildren(specs: GroupSpecs, direct: Record<string, string[]>, source: string): Record<string, string[]> {
  const done: Record<string, string[]> = {};
  const visit = (g: string, path: readonly string[]): string[] => {
    const ready = done[g];
    if (ready) return ready;
    const at = path.indexOf(g);
    if (at >= 0) {
      const cycle = [...path.slice(at), g];
      throw new TsplayError('INVENTORY_CYCLE', `groups form a cycle: ${cycle.join(' → ')}`, {
        file: source,
        field: `groups.${cycle[cycle.length - 2] ?? g}.children`,
        hint: `a group cannot contain itself; remove ${g} from the children of ${cycle[cycle.length - 2] ?? g}`,
      });
    }
    let members = [...(direct[g] ?? [])];
    for (const c of specs[g]?.children ?? []) {
      if (!(c in specs) && !(c in direct))
        throw new TsplayError('INVENTORY_INVALID', `group ${g} has unknown child group ${c}`, {
          file: source,
          field: `groups.${g}.children`,
          hint: `define group ${c} under groups:, or remove it from children`,
        });
      members = [...new Set([...members, ...visit(c, [...path, g])])];
    }
    done[g] = members;
    return members;
  };
  for (const g of Object.keys(specs)) visit(g, []);
  return done;
}

/** `-e key=value` (value parsed as JSON when it is JSON, else a string), dotted keys nest. */
export function parseExtraVars(items: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const i = item.indexOf('=');
    if (i <= 0)
      throw new TsplayError('EXTRA_VAR_INVALID', `extra var ${JSON.stringify(item)} is not key=value`, {
        field: '-e',
        hint: 'write -e name=value (JSON values like -e port=2380 or -e \'list=["a"]\' are parsed)',
      });
    const key = item.slice(0, i);
    const rawValue = item.slice(i + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(key))
      throw new TsplayError('EXTRA_VAR_INVALID', `extra var name ${JSON.stringify(key)} is not a valid name`, {
        field: '-e',
        hint: 'names are letters, digits and _, dotted for nesting',
      });
    let value: unknown = rawValue;
    if (/^(-?\d+(\.\d+)?|true|false|null|\[.*\]|\{.*\})$/s.test(rawValue)) {
      try {
        value = JSON.parse(rawValue);
      } catch {
        value = rawValue;
      }
    }
    const parts = key.split('.');
    let cur: Record<string, unknown> = out;
    parts.slice(0, -1).forEach((p) => {
      const next = cur[p];
      cur[p] = next && typeof next === 'object' ? next : {};
      cur = cur[p] as Record<string, unknown>;
    });
    cur[parts[parts.length - 1] as string] = value;
  }
  return out;
}

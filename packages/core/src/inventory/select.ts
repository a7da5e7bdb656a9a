import { TsplayError } from '../errors.js';
import type { Inventory, ResolvedHost } from './schema.js';

/** Hosts matched by a pattern: group or host names joined by `:` or `,`; `all`; `!name` excludes; `*` globs. */
export function selectHosts(
  inv: Inventory,
  pattern: string,
  opts: { strict?: boolean; flag?: string; file?: string | undefined } = {},
): ResolvedHost[] {
  const include = new Set<string>();
  const exclude = new Set<string>();
  const parts = pattern
    .split(/[:,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const part of parts) {
    const neg = part.startsWith('!');
    const name = neg ? part.slice(1) : part;
    const matched = match(inv, name);
    if (matched.length === 0 && opts.strict)
      throw new TsplayError(
        'UNKNOWN_HOST',
        `${opts.flag ?? 'pattern'} names ${JSON.stringify(name)}, which is no host or group of the inventory`,
        {
          file: opts.file ?? inv.source,
          field: opts.flag,
          hint: `known hosts: ${inv.hosts.map((h) => h.name).join(', ')}; groups: ${Object.keys(inv.groups).join(', ')}`,
        },
      );
    for (const h of matched) (neg ? exclude : include).add(h);
  }
  return inv.hosts.filter((h) => include.has(h.name) && !exclude.has(h.name));
}

function match(inv: Inventory, name: string): string[] {
  if (inv.groups[name]) return inv.groups[name];
  if (name.includes('*')) {
    const re = new RegExp(
      `^${name
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return inv.hosts.filter((h) => re.test(h.name)).map((h) => h.name);
  }
  return inv.hosts.some((h) => h.name === name) ? [name] : [];
}

import { sh, type PathState } from '@tsplay/core';
import type { OverlayView } from '@tsplay/core/module';
import { defineFact } from '../kit/facts.js';

/**
 * Users and groups as facts, and as predicted entries in the check overlay. The overlay knows
 * paths; an account is recorded under the pseudo path `tsplay:user/NAME` / `tsplay:group/NAME`
 * (never a real path: real paths start with /), so a later task in the same check run sees the
 * account an earlier task would create.
 */
export interface GroupEntry {
  exists: boolean;
  gid?: number | undefined;
  members?: string[] | undefined;
}

export interface UserEntry {
  exists: boolean;
  uid?: number | undefined;
  gid?: number | undefined;
  /** Name of the primary group. */
  group?: string | undefined;
  /** Supplementary groups by name. */
  groups?: string[] | undefined;
  comment?: string | undefined;
  home?: string | undefined;
  shell?: string | undefined;
}

export const groupKey = (name: string): string => `tsplay:group/${name}`;
export const userKey = (name: string): string => `tsplay:user/${name}`;

/** Parse `getent group NAME` (`name:x:gid:a,b`). Exported for tests. */
export function parseGroup(out: string): GroupEntry {
  const line = out.split('\n').find((l) => l.includes(':'));
  if (!line) return { exists: false };
  const [, , gid, members] = line.split(':');
  return { exists: true, gid: Number(gid), members: members ? members.split(',').filter(Boolean) : [] };
}

/** Parse `getent passwd NAME`, then a line `G primary`, then `S a b c` (supplementary groups). */
export function parseUser(out: string): UserEntry {
  const lines = out.split('\n');
  const pw = lines.find((l) => l.split(':').length >= 7);
  if (!pw) return { exists: false };
  const [, , uid, gid, comment, home, shell] = pw.split(':');
  const primary = lines
    .find((l) => l.startsWith('G '))
    ?.slice(2)
    .trim();
  const all = (
    lines
      .find((l) => l.startsWith('S '))
      ?.slice(2)
      .trim() ?? ''
  )
    .split(/\s+/)
    .filter(Boolean);
  return {
    exists: true,
    uid: Number(uid),
    gid: Number(gid),
    group: primary,
    groups: all.filter((g) => g !== primary).sort(),
    comment,
    home,
    shell,
  };
}

const entryState = (e: { exists: boolean }, data: unknown): PathState =>
  e.exists ? { exists: true, type: 'other', target: JSON.stringify(data) } : { exists: false };

/** The overlay entry an account task predicts. */
export function predictAccount(e: UserEntry | GroupEntry): PathState {
  return entryState(e, e);
}

function fromOverlay<T extends { exists: boolean }>(o: OverlayView, key: string): T | undefined {
  const st = o.path(key);
  if (!st) return undefined;
  return (st.exists ? JSON.parse(st.target ?? '{"exists":true}') : { exists: false }) as T;
}

export const groupFact = defineFact({
  module: 'accounts',
  name: 'group',
  script: (name: string) => sh`getent group ${name} || true`,
  parse: (r) => parseGroup(r.stdout),
  fromOverlay: (o, name) => fromOverlay<GroupEntry>(o, groupKey(name)),
  statOf: (name) => [groupKey(name)],
});

export const userFact = defineFact({
  module: 'accounts',
  name: 'user',
  script: (name: string) =>
    sh`if getent passwd ${name}; then printf 'G %s\\n' "$(id -gn ${name})"; printf 'S %s\\n' "$(id -Gn ${name})"; fi`,
  parse: (r) => parseUser(r.stdout),
  fromOverlay: (o, name) => fromOverlay<UserEntry>(o, userKey(name)),
  statOf: (name) => [userKey(name)],
});

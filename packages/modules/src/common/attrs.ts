import { z } from 'zod';
import { argv, type PathState } from '@tsplay/core';
import { formatMode } from './mode.js';

/**
 * Owner/group/mode handling shared by file, copy and template: which attributes differ,
 * how they read in --diff, and the chmod/chown command that repairs them.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/;

/** A user or group name (numeric ids are rejected: facts compare names). */
export const principalSchema = (what: 'user' | 'group') =>
  z.string().refine((s) => NAME.test(s), {
    message: `give the ${what} by name (like 'root' or 'etcd'); numeric ids and spaces are not accepted`,
  });

export interface Attrs {
  mode?: number | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

export interface AttrChange {
  attr: 'mode' | 'owner' | 'group';
  before: string;
  after: string;
}

/** The wanted attributes that differ from what is there (only those the task asks for). */
export function attrChanges(have: PathState, want: Attrs): AttrChange[] {
  const out: AttrChange[] = [];
  if (want.mode !== undefined && (have.mode === undefined || (have.mode & 0o7777) !== want.mode)) {
    out.push({ attr: 'mode', before: formatMode(have.mode), after: formatMode(want.mode) });
  }
  if (want.owner !== undefined && have.owner !== want.owner) out.push({ attr: 'owner', before: have.owner ?? '?', after: want.owner });
  if (want.group !== undefined && have.group !== want.group) out.push({ attr: 'group', before: have.group ?? '?', after: want.group });
  return out;
}

/** "mode 0755 -> 0700, owner root -> etcd" */
export function describeChanges(changes: readonly AttrChange[]): string {
  return changes.map((c) => `${c.attr} ${c.before} -> ${c.after}`).join(', ');
}

/** `mode: 0755\nowner: root` lines for --diff, for the attributes the task manages. */
export function attrText(st: PathState, managed: Attrs): string {
  const lines: string[] = [];
  if (managed.mode !== undefined) lines.push(`mode: ${st.exists ? formatMode(st.mode) : '-'}`);
  if (managed.owner !== undefined) lines.push(`owner: ${st.exists ? (st.owner ?? '?') : '-'}`);
  if (managed.group !== undefined) lines.push(`group: ${st.exists ? (st.group ?? '?') : '-'}`);
  return lines.join('\n');
}

/** The state after applying `want` over `have`. */
export function withAttrs(have: PathState, want: Attrs): PathState {
  const st: PathState = { ...have };
  if (want.mode !== undefined) st.mode = want.mode;
  if (want.owner !== undefined) st.owner = want.owner;
  if (want.group !== undefined) st.group = want.group;
  return st;
}

/** The `owner:group` argument of chown (`owner`, `:group` or `owner:group`); '' when neither is given. Built only here. */
export function ownerSpec(owner: string | undefined, group: string | undefined): string {
  return `${owner ?? ''}${group !== undefined && group !== '' ? `:${group}` : ''}`;
}

/** chown/chmod commands (joined with &&) that set `changes` on `path`; '' when none. */
/** `owner:group` for chown, undefined when neither is set. */
export function chownSpec(owner: string | undefined, group: string | undefined): string | undefined {
  return ownerSpec(owner, group) || undefined;
}

/** Exit codes the host-side apply scripts share (download, unarchive): each module adds its own from 12. */
export const SCRIPT_EXIT = { temp: 11, attrs: 14, rename: 15 } as const;

export function attrScript(
  path: string,
  changes: readonly AttrChange[],
  want: Attrs,
  opts: { recurse?: boolean; noDeref?: boolean } = {},
): string {
  const cmds: string[] = [];
  const owner = changes.some((c) => c.attr === 'owner') ? want.owner : undefined;
  const group = changes.some((c) => c.attr === 'group') ? want.group : undefined;
  const flags = [...(opts.recurse ? ['-R'] : []), ...(opts.noDeref ? ['-h'] : [])];
  if (owner !== undefined || group !== undefined) {
    cmds.push(argv(['chown', ...flags, '--', ownerSpec(owner, group), path]));
  }
  if (want.mode !== undefined && changes.some((c) => c.attr === 'mode')) {
    cmds.push(argv(['chmod', ...(opts.recurse ? ['-R'] : []), '--', (want.mode & 0o7777).toString(8).padStart(4, '0'), path]));
  }
  return cmds.join(' && ');
}
